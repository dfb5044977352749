using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>Packs MR rows of the left operand into the panel order [K/KGroup][MR][KGroup] of a layout.</summary>
internal static unsafe class GemmPanel
{
    /// <summary>
    /// rows[r] points at K int8 values. Values past K are written as zero (their weights are zero too).
    /// Activations are flipped to uint8 (x ^ 0x80) or sign-extended to int16 as the layout asks.
    /// </summary>
    public static void Pack(in GemmLayout layout, sbyte** rows, int k, byte* panel)
    {
        int mr = layout.MR, kg = layout.KGroup, groups = layout.KGroups(k);
        if (layout.ElementBytes == 1 && kg == 4)
        {
            uint flip = layout.FlipActivations ? 0x80808080u : 0u;
            int g = (mr & 1) == 0 ? PackGroupsOf4Vectorized(rows, mr, k, flip, panel) : 0;
            int full = k / 4;
            uint* dst = (uint*)panel + g * mr;
            for (; g < full; g++)
                for (int r = 0; r < mr; r++)
                    *dst++ = Unsafe.ReadUnaligned<uint>(rows[r] + 4 * g) ^ flip;
            if (full < groups)
            {
                for (int r = 0; r < mr; r++)
                {
                    uint word = 0;
                    for (int e = 0; 4 * full + e < k; e++)
                        word |= (uint)(byte)rows[r][4 * full + e] << (8 * e);
                    *dst++ = word ^ (flip & ((1u << (8 * (k - 4 * full))) - 1));
                }
            }
            return;
        }

        if (layout.ElementBytes == 1 && kg == 16 && !layout.FlipActivations)
        {
            PackGroupsOf16(rows, mr, k, panel);
            return;
        }

        byte flipByte = layout.FlipActivations ? (byte)0x80 : (byte)0;
        byte* b = panel;
        short* s = (short*)panel;
        for (int g = 0; g < groups; g++)
            for (int r = 0; r < mr; r++)
                for (int e = 0; e < kg; e++)
                {
                    int col = g * kg + e;
                    sbyte x = col < k ? rows[r][col] : (sbyte)0;
                    if (layout.ElementBytes == 1) *b++ = (byte)((byte)x ^ (col < k ? flipByte : 0));
                    else *s++ = x;
                }
    }

    /// <summary>
    /// The 4-byte-group layout, 16 reduction values (4 groups) of a row pair at a time: two 16-byte loads,
    /// a 32-bit interleave gives each group's pair of rows as one 8-byte store. The scalar loop did one
    /// 4-byte load, xor and store per group and row, and dominated 3x3 convolutions with few output
    /// channels. Returns the number of groups packed (0 without an interleave instruction).
    /// </summary>
    private static int PackGroupsOf4Vectorized(sbyte** rows, int mr, int k, uint flip, byte* panel)
    {
        if (!Sse2.IsSupported && !AdvSimd.Arm64.IsSupported) return 0;
        int blocks = k / 16;
        var flipVector = Vector128.Create(flip);
        nint groupStride = 4 * mr;
        for (int r = 0; r < mr; r += 2)
        {
            sbyte* x = rows[r], y = rows[r + 1];
            byte* dst = panel + 4 * r;
            for (int block = 0; block < blocks; block++, dst += 4 * groupStride)
            {
                var xv = Vector128.Load((uint*)(x + 16 * block)) ^ flipVector;
                var yv = Vector128.Load((uint*)(y + 16 * block)) ^ flipVector;
                var low = InterleaveLow(xv, yv).AsUInt64();
                var high = InterleaveHigh(xv, yv).AsUInt64();
                Unsafe.WriteUnaligned(dst, low.ToScalar());
                Unsafe.WriteUnaligned(dst + groupStride, low.GetElement(1));
                Unsafe.WriteUnaligned(dst + 2 * groupStride, high.ToScalar());
                Unsafe.WriteUnaligned(dst + 3 * groupStride, high.GetElement(1));
            }
        }
        return 4 * blocks;
    }

    /// <summary>
    /// The 16-byte-group layout of the pairwise NEON kernel: each row's K values are already in group order,
    /// so packing is one 16-byte copy per group and row; the last group is zero-padded.
    /// </summary>
    /// <summary>
    /// Whether <see cref="PackWindowRows"/> can pack rows of <paramref name="windowRowBytes"/>-byte window
    /// rows for this layout: the layout of <see cref="PackGroupsOf16"/>, and window rows of whole groups.
    /// </summary>
    public static bool PacksWindowRows(in GemmLayout layout, int windowRowBytes) =>
        layout.ElementBytes == 1 && layout.KGroup == 16 && !layout.FlipActivations && windowRowBytes > 0 && windowRowBytes % 16 == 0;

    /// <summary>
    /// The panel <see cref="Pack"/> makes from the im2col rows, read from the input directly: row r is
    /// the <paramref name="windowRows"/> runs windowRow[r * windowRows + kh] of <paramref name="windowRowBytes"/>
    /// bytes each, in order (so K = windowRows * windowRowBytes, whole groups of 16; see PacksWindowRows).
    /// On cortex-a72 the im2col copy cost as much as the packing (ResNet-18: 9.4 M instructions per inference).
    /// </summary>
    public static void PackWindowRows(in GemmLayout layout, sbyte** windowRow, int windowRows, int windowRowBytes, byte* panel)
    {
        int mr = layout.MR, groups = windowRowBytes / 16;
        nint groupStride = 16 * mr;
        for (int r = 0; r < mr; r++)
        {
            byte* dst = panel + 16 * r;
            for (int kh = 0; kh < windowRows; kh++)
            {
                sbyte* x = windowRow[r * windowRows + kh];
                for (int g = 0; g < groups; g++, dst += groupStride)
                    Vector128.Load(x + 16 * g).AsByte().Store(dst);
            }
        }
    }

    private static void PackGroupsOf16(sbyte** rows, int mr, int k, byte* panel)
    {
        int full = k / 16, tail = k - 16 * full;
        nint groupStride = 16 * mr;
        for (int r = 0; r < mr; r++)
        {
            sbyte* x = rows[r];
            byte* dst = panel + 16 * r;
            for (int g = 0; g < full; g++, dst += groupStride)
                Vector128.Load(x + 16 * g).AsByte().Store(dst);
            if (tail > 0)
            {
                Vector128<byte>.Zero.Store(dst);
                Buffer.MemoryCopy(x + 16 * full, dst, tail, tail);
            }
        }
    }

    /// <summary>[x0, y0, x1, y1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> InterleaveLow(Vector128<uint> x, Vector128<uint> y) =>
        Sse2.IsSupported ? Sse2.UnpackLow(x, y) : AdvSimd.Arm64.ZipLow(x, y);

    /// <summary>[x2, y2, x3, y3].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> InterleaveHigh(Vector128<uint> x, Vector128<uint> y) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(x, y) : AdvSimd.Arm64.ZipHigh(x, y);
}
