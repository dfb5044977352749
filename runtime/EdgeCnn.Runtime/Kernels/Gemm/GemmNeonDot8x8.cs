using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Gemm_Int8_NeonDot_8x8 (Cortex-A76 and later): SDOT by element. Per group of 4 reduction values: two
/// A vectors (rows 0-3 and 4-7, 4 int8 each), two B vectors (channels 0-3 and 4-7, 4 int8 each) and 16
/// SDOT of 4 lanes x 4 products = 256 MACs, the ideal 16 per instruction. 16 accumulators. Output stage:
/// <see cref="NeonRequantization{TSimd}"/>.
/// </summary>
internal readonly unsafe struct GemmNeonDot8x8<TSimd> : IGemmMicrokernel where TSimd : struct, IArmSimd
{
    public static GemmLayout Layout => new(MR: 8, NR: 8, KGroup: 4, ElementBytes: 1, FlipActivations: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        var bias0 = Vector128.Load(bias);
        var bias1 = Vector128.Load(bias + 4);
        Vector128<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
        Vector128<int> c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1, c60 = bias0, c61 = bias1, c70 = bias0, c71 = bias1;
        for (int g = 0; g < kGroups; g++)
        {
            var a0 = Vector128.Load((sbyte*)a);
            var a1 = Vector128.Load((sbyte*)a + 16);
            var b0 = Vector128.Load((sbyte*)b);
            var b1 = Vector128.Load((sbyte*)b + 16);
            c00 = TSimd.DotProductBySelectedQuadruplet(c00, b0, a0, 0);
            c01 = TSimd.DotProductBySelectedQuadruplet(c01, b1, a0, 0);
            c10 = TSimd.DotProductBySelectedQuadruplet(c10, b0, a0, 1);
            c11 = TSimd.DotProductBySelectedQuadruplet(c11, b1, a0, 1);
            c20 = TSimd.DotProductBySelectedQuadruplet(c20, b0, a0, 2);
            c21 = TSimd.DotProductBySelectedQuadruplet(c21, b1, a0, 2);
            c30 = TSimd.DotProductBySelectedQuadruplet(c30, b0, a0, 3);
            c31 = TSimd.DotProductBySelectedQuadruplet(c31, b1, a0, 3);
            c40 = TSimd.DotProductBySelectedQuadruplet(c40, b0, a1, 0);
            c41 = TSimd.DotProductBySelectedQuadruplet(c41, b1, a1, 0);
            c50 = TSimd.DotProductBySelectedQuadruplet(c50, b0, a1, 1);
            c51 = TSimd.DotProductBySelectedQuadruplet(c51, b1, a1, 1);
            c60 = TSimd.DotProductBySelectedQuadruplet(c60, b0, a1, 2);
            c61 = TSimd.DotProductBySelectedQuadruplet(c61, b1, a1, 2);
            c70 = TSimd.DotProductBySelectedQuadruplet(c70, b0, a1, 3);
            c71 = TSimd.DotProductBySelectedQuadruplet(c71, b1, a1, 3);
            a += 32;
            b += 32;
        }
        var requantize = new NeonRequantization<TSimd>(q);
        var m0 = Vector128.Load(multipliers);
        var m1 = Vector128.Load(multipliers + 4);
        requantize.Apply(c00, c01, m0, m1).Store(c);
        requantize.Apply(c10, c11, m0, m1).Store(c + cStride);
        requantize.Apply(c20, c21, m0, m1).Store(c + 2 * cStride);
        requantize.Apply(c30, c31, m0, m1).Store(c + 3 * cStride);
        requantize.Apply(c40, c41, m0, m1).Store(c + 4 * cStride);
        requantize.Apply(c50, c51, m0, m1).Store(c + 5 * cStride);
        requantize.Apply(c60, c61, m0, m1).Store(c + 6 * cStride);
        requantize.Apply(c70, c71, m0, m1).Store(c + 7 * cStride);
    }

    /// <summary>
    /// Rows 0-3 only (4x8 tile), for a last row tile with at most 4 valid rows: per group of 4 reduction
    /// values one A vector (rows 0-3 of the 8-row panel, the first 16 of its 32 bytes), two B vectors and
    /// 8 SDOT, and half the output stage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRunRows(int rows, int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        if (rows > 4) return false;
        var bias0 = Vector128.Load(bias);
        var bias1 = Vector128.Load(bias + 4);
        Vector128<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
        for (int g = 0; g < kGroups; g++)
        {
            var a0 = Vector128.Load((sbyte*)a);
            var b0 = Vector128.Load((sbyte*)b);
            var b1 = Vector128.Load((sbyte*)b + 16);
            c00 = TSimd.DotProductBySelectedQuadruplet(c00, b0, a0, 0);
            c01 = TSimd.DotProductBySelectedQuadruplet(c01, b1, a0, 0);
            c10 = TSimd.DotProductBySelectedQuadruplet(c10, b0, a0, 1);
            c11 = TSimd.DotProductBySelectedQuadruplet(c11, b1, a0, 1);
            c20 = TSimd.DotProductBySelectedQuadruplet(c20, b0, a0, 2);
            c21 = TSimd.DotProductBySelectedQuadruplet(c21, b1, a0, 2);
            c30 = TSimd.DotProductBySelectedQuadruplet(c30, b0, a0, 3);
            c31 = TSimd.DotProductBySelectedQuadruplet(c31, b1, a0, 3);
            a += 32;
            b += 32;
        }
        var requantize = new NeonRequantization<TSimd>(q);
        var m0 = Vector128.Load(multipliers);
        var m1 = Vector128.Load(multipliers + 4);
        requantize.Apply(c00, c01, m0, m1).Store(c);
        requantize.Apply(c10, c11, m0, m1).Store(c + cStride);
        requantize.Apply(c20, c21, m0, m1).Store(c + 2 * cStride);
        requantize.Apply(c30, c31, m0, m1).Store(c + 3 * cStride);
        return true;
    }
}