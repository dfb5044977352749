using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// The input rows DwConv3x3_Int8_AvxVnni_32c reads, for one block of 32 channels, prepared once per input
/// row: for every output column ow the three input bytes its window row reads, x[ow * StrideW - PadLeft
/// + 0, 1, 2], flipped to uint8 (x ^ 0x80) and interleaved per channel into one dword (x0, x1, x2, x3;
/// x3 meets a zero weight),
/// so one vpdpbusd multiplies a whole window row by a channel's three weights. A quad row is OutW x 4
/// vectors of 32 bytes, channels in the order of <see cref="Quad3x3Weights"/>. Columns and rows outside
/// the input read the zero point. Rows live in three slots (slot = row index mod 3: the three rows of a
/// window never evict each other), so at stride 1 each input row is prepared once for three output rows.
/// </summary>
internal unsafe ref struct QuadRowRing
{
    private const int QuadBytes = 128;
    private readonly sbyte* _input;
    private readonly byte* _slots;
    private readonly byte* _zeroPointRow;
    private readonly ConvGeometry _g;
    private readonly sbyte _zp;
    private RowSlotKeys _keys;

    /// <summary>Bytes of scratch for three slots and the zero-point row, plus 64 for alignment.</summary>
    public static long ScratchBytes(in ConvGeometry g) => 4L * g.OutW * QuadBytes + 64;

    /// <summary>A ring over <paramref name="scratch"/>, at least <see cref="ScratchBytes"/> bytes.</summary>
    public QuadRowRing(sbyte* input, in ConvGeometry g, int inZp, byte* scratch)
    {
        _input = input;
        _g = g;
        _zp = (sbyte)inZp;
        nint rowBytes = (nint)g.OutW * QuadBytes;
        _slots = (byte*)(((nint)scratch + 63) & ~(nint)63);
        _zeroPointRow = _slots + 3 * rowBytes;
        var flipped = Vector256.Create((byte)((byte)_zp ^ 0x80));
        for (nint i = 0; i < rowBytes; i += 32) flipped.Store(_zeroPointRow + i);
        _keys = new RowSlotKeys();
    }

    /// <summary>Switches to channel block <paramref name="block"/>; rows held for another block are dropped.</summary>
    public void Select(int block) => _keys.Select(block);

    /// <summary>Quad row of input row <paramref name="ih"/> of image <paramref name="n"/> (outside the input: zero points).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Row(int n, int ih)
    {
        if ((uint)ih >= (uint)_g.InH) return _zeroPointRow;
        long key = (long)n * _g.InH + ih;
        int slot = _keys.Slot(key, out bool prepare);
        byte* row = _slots + (nint)slot * _g.OutW * QuadBytes;
        if (prepare) Prepare(key, row);
        return row;
    }

    private void Prepare(long key, byte* row)
    {
        int c = _g.InC, first = 32 * _keys.Block, step = _g.StrideW;
        int channels = Math.Min(32, c - first);
        sbyte* src = _input + key * _g.InW * c + first;
        var flip = Vector256.Create(unchecked((sbyte)0x80));
        var zp = Vector256.Create(_zp);
        sbyte* partial = stackalloc sbyte[32];
        // Quad ow is the byte pairs of columns (iw, iw + 1) and (iw + 2, iw + 3) interleaved, iw = ow *
        // StrideW - PadLeft (column iw + 3 meets a zero weight). Pairs are kept from one quad to the next:
        // at stride 1 every column is loaded and paired once, at stride 2 every column once.
        int iw = -_g.PadLeft;
        if (step == 1)
        {
            var x1 = Column(src, iw + 1, channels, zp, flip, partial);
            var x2 = Column(src, iw + 2, channels, zp, flip, partial);
            var a = Pair(Column(src, iw, channels, zp, flip, partial), x1);
            var b = Pair(x1, x2);
            for (int ow = 0; ow < _g.OutW; ow++, iw++, row += QuadBytes)
            {
                var x3 = Column(src, iw + 3, channels, zp, flip, partial);
                var next = Pair(x2, x3);
                Store(row, a, next);
                (a, b, x2) = (b, next, x3);
            }
        }
        else
        {
            var a = Pair(Column(src, iw, channels, zp, flip, partial), Column(src, iw + 1, channels, zp, flip, partial));
            for (int ow = 0; ow < _g.OutW; ow++, iw += step, row += QuadBytes)
            {
                var next = Pair(Column(src, iw + 2, channels, zp, flip, partial), Column(src, iw + 3, channels, zp, flip, partial));
                Store(row, a, next);
                a = step == 2 ? next : Pair(Column(src, iw + step, channels, zp, flip, partial), Column(src, iw + step + 1, channels, zp, flip, partial));
            }
        }
    }

    /// <summary>Bytes of two columns paired per channel: per 128-bit lane L, channels 16L..16L+7, then 16L+8..16L+15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<short> Low, Vector256<short> High) Pair(Vector256<sbyte> x0, Vector256<sbyte> x1) =>
        (Avx2.UnpackLow(x0, x1).AsInt16(), Avx2.UnpackHigh(x0, x1).AsInt16());

    /// <summary>Two pairs of columns interleaved into one dword per channel, in the order of <see cref="Quad3x3Weights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(byte* row, (Vector256<short> Low, Vector256<short> High) a, (Vector256<short> Low, Vector256<short> High) b)
    {
        Avx2.UnpackLow(a.Low, b.Low).AsByte().Store(row);
        Avx2.UnpackHigh(a.Low, b.Low).AsByte().Store(row + 32);
        Avx2.UnpackLow(a.High, b.High).AsByte().Store(row + 64);
        Avx2.UnpackHigh(a.High, b.High).AsByte().Store(row + 96);
    }

    /// <summary>
    /// The block's channels of input column iw of the row, flipped to uint8: the zero point outside the
    /// input, zeros past C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<sbyte> Column(sbyte* src, int iw, int channels, Vector256<sbyte> zp, Vector256<sbyte> flip, sbyte* partial)
    {
        if ((uint)iw >= (uint)_g.InW) return zp ^ flip;
        sbyte* p = src + (nint)iw * _g.InC;
        if (channels == 32) return Vector256.Load(p) ^ flip;
        if (channels == 16) return Vector128.Load(p).ToVector256() ^ flip; // upper half: zero weights
        // Other widths: byte by byte (a call here would make the JIT keep the loop's vectors on the stack).
        Vector256<sbyte>.Zero.Store(partial);
        for (int ch = 0; ch < channels; ch++) partial[ch] = p[ch];
        return Vector256.Load(partial) ^ flip;
    }
}
