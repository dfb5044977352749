using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Gemm_Int8_AvxVnni_6x16: vpdpbusd on 256 bits. Per group of 4 reduction values: two loads of B
/// (16 channels x 4 int8), six broadcasts of A (one row's 4 uint8 each), twelve vpdpbusd = 384 MACs.
/// 12 accumulators + 2 B + 1 A = 15 of 16 ymm registers. vpdpbusd adds four uint8 x int8 products to
/// each int32 lane without intermediate saturation, so the sums are exact.
/// </summary>
internal readonly unsafe struct GemmAvxVnni6x16 : IGemmMicrokernel
{
    public static GemmLayout Layout => new(MR: 6, NR: 16, KGroup: 4, ElementBytes: 1, FlipActivations: true, SwapMiddleQuads: true);

    public static void Run(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride) =>
        Tile<SixRows>(kGroups, a, b, bias, multipliers, q, c, cStride);

    /// <summary>
    /// Rows 0-1 (2x16) or 0-3 (4x16) of a short last row tile: a fully connected layer's single row, a
    /// 7x7 map's 49th pixel (49 = 8 x 6 + 1), the last 4 pixels of 14x14, 28x28 and 56x56 maps. Per
    /// group of 4 reduction values the same two B loads with two or four broadcasts of A and four or eight
    /// vpdpbusd instead of twelve, on the same packed panel.
    /// </summary>
    public static bool TryRunRows(int rows, int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        if (rows > 4) return false;
        if (rows <= 2) Tile<TwoRows>(kGroups, a, b, bias, multipliers, q, c, cStride);
        else Tile<FourRows>(kGroups, a, b, bias, multipliers, q, c, cStride);
        return true;
    }

    /// <summary>The first TRows.Count rows of a tile; the JIT compiles one copy per row count, without the rows it does not need.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TRows>(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
        where TRows : struct, IRowCount
    {
        // Accumulators start at the bias, which saves an add per output vector in the epilogue.
        var bias0 = Vector256.Load(bias);
        var bias1 = Vector256.Load(bias + 8);
        Vector256<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        Vector256<int> c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        for (int g = 0; g < kGroups; g++)
        {
            var b0 = Vector256.Load((sbyte*)b);
            var b1 = Vector256.Load((sbyte*)b + 32);
            var a0 = Vector256.Create(*(int*)a).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, a0, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, a0, b1);
            var a1 = Vector256.Create(*(int*)(a + 4)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, a1, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, a1, b1);
            if (TRows.Count > 2)
            {
                var a2 = Vector256.Create(*(int*)(a + 8)).AsByte();
                c20 = AvxVnni.MultiplyWideningAndAdd(c20, a2, b0);
                c21 = AvxVnni.MultiplyWideningAndAdd(c21, a2, b1);
                var a3 = Vector256.Create(*(int*)(a + 12)).AsByte();
                c30 = AvxVnni.MultiplyWideningAndAdd(c30, a3, b0);
                c31 = AvxVnni.MultiplyWideningAndAdd(c31, a3, b1);
            }
            if (TRows.Count > 4)
            {
                var a4 = Vector256.Create(*(int*)(a + 16)).AsByte();
                c40 = AvxVnni.MultiplyWideningAndAdd(c40, a4, b0);
                c41 = AvxVnni.MultiplyWideningAndAdd(c41, a4, b1);
                var a5 = Vector256.Create(*(int*)(a + 20)).AsByte();
                c50 = AvxVnni.MultiplyWideningAndAdd(c50, a5, b0);
                c51 = AvxVnni.MultiplyWideningAndAdd(c51, a5, b1);
            }
            a += 24;
            b += 64;
        }
        var e = new Epilogue256(multipliers, q);
        // B is packed with the middle channel quads swapped, so rows are stored two at a time.
        e.StorePair(c00, c01, c10, c11, c, c + cStride);
        if (TRows.Count > 2) e.StorePair(c20, c21, c30, c31, c + 2 * cStride, c + 3 * cStride);
        if (TRows.Count > 4) e.StorePair(c40, c41, c50, c51, c + 4 * cStride, c + 5 * cStride);
    }

    private interface IRowCount
    {
        static abstract int Count { get; }
    }

    private struct TwoRows : IRowCount
    {
        public static int Count => 2;
    }

    private struct FourRows : IRowCount
    {
        public static int Count => 4;
    }

    private struct SixRows : IRowCount
    {
        public static int Count => 6;
    }
}
