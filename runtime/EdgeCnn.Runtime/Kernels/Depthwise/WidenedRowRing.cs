using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// The input rows a 3x3 depthwise row kernel reads, for one block of channels: each input row is
/// sign-extended to int16 once, laid out as PaddedWidth columns x Width channels with the left and right
/// padding columns holding the input zero point, and kept in one of three slots (slot = row index mod 3,
/// so the three consecutive rows of a window never evict each other). Rows above and below the input
/// are one shared row of zero points. With padding equal to the zero point every window is a plain
/// 3x3 read, so the kernel needs no border cases (the interior bias of <see cref="Interleaved3x3Weights"/>
/// already subtracts zp * sum(w)). Stride 1 widens each input row once instead of nine times.
/// </summary>
internal unsafe ref struct WidenedRowRing
{
    private readonly sbyte* _input;
    private readonly short* _slots;
    private readonly short* _zeroPointRow;
    private readonly ConvGeometry _g;
    private readonly int _width;
    private readonly short _zp;
    private RowSlotKeys _keys;

    /// <summary>Columns a padded row needs so that every output pixel's window lies inside it.</summary>
    public static int PaddedWidth(in ConvGeometry g) => (g.OutW - 1) * g.StrideW + 3;

    /// <summary>Bytes of scratch for three slots and the zero-point row, plus 64 for alignment.</summary>
    public static long ScratchBytes(in ConvGeometry g, int width) => 4L * PaddedWidth(g) * width * sizeof(short) + 64;

    /// <summary>A ring over <paramref name="scratch"/>, at least <see cref="ScratchBytes"/> bytes.</summary>
    public WidenedRowRing(sbyte* input, in ConvGeometry g, int inZp, int width, byte* scratch)
    {
        _input = input;
        _g = g;
        _width = width;
        _zp = (short)inZp;
        nint rowShorts = (nint)PaddedWidth(g) * width;
        _slots = (short*)(((nint)scratch + 63) & ~(nint)63);
        _zeroPointRow = _slots + 3 * rowShorts;
        for (nint i = 0; i < rowShorts; i++) _zeroPointRow[i] = _zp;
        _keys = new RowSlotKeys();
    }

    /// <summary>Switches to channel block <paramref name="block"/>; rows held for another block are dropped.</summary>
    public void Select(int block) => _keys.Select(block);

    /// <summary>Input row <paramref name="ih"/> of image <paramref name="n"/> (any ih; outside the input: zero points), widened and padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public short* Row(int n, int ih)
    {
        if ((uint)ih >= (uint)_g.InH) return _zeroPointRow;
        long key = (long)n * _g.InH + ih;
        int slot = _keys.Slot(key, out bool prepare);
        short* row = _slots + (nint)slot * PaddedWidth(_g) * _width;
        if (prepare) Widen(key, row);
        return row;
    }

    private void Widen(long key, short* row)
    {
        int c = _g.InC, first = _width * _keys.Block;
        int channels = Math.Min(_width, c - first);
        sbyte* src = _input + key * _g.InW * c + first;
        int width = PaddedWidth(_g);
        int begin = Math.Min(_g.PadLeft, width), end = Math.Min(width, _g.PadLeft + _g.InW);
        var zp512 = Vector512.Create(_zp);
        for (int j = 0; j < begin; j++) StoreZeroPoints(row + (nint)j * _width, zp512);
        for (int j = end; j < width; j++) StoreZeroPoints(row + (nint)j * _width, zp512);
        sbyte* p = src + (nint)(begin - _g.PadLeft) * c;
        short* d = row + (nint)begin * _width;
        if (channels == _width)
        {
            if (_width == 32)
                for (int j = begin; j < end; j++, p += c, d += 32)
                {
                    var x = Vector256.Load(p);
                    Vector256.WidenLower(x).Store(d);
                    Vector256.WidenUpper(x).Store(d + 16);
                }
            else
                for (int j = begin; j < end; j++, p += c, d += 16)
                {
                    var x = Vector128.Load(p);
                    Vector128.WidenLower(x).Store(d);
                    Vector128.WidenUpper(x).Store(d + 8);
                }
        }
        else
        {
            // The last, partial block: the channels that exist, then zeros (their weights are zero).
            for (int j = begin; j < end; j++, p += c, d += _width)
            {
                int ch = 0;
                if (channels >= 16)
                {
                    var x = Vector128.Load(p);
                    Vector128.WidenLower(x).Store(d);
                    Vector128.WidenUpper(x).Store(d + 8);
                    ch = 16;
                }
                for (; ch < channels; ch++) d[ch] = p[ch];
                for (; ch < _width && (ch & 15) != 0; ch++) d[ch] = 0;
                for (; ch < _width; ch += 16) Vector256<short>.Zero.Store(d + ch);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StoreZeroPoints(short* d, Vector512<short> zp)
    {
        if (_width == 32) zp.Store(d);
        else zp.GetLower().Store(d);
    }
}
