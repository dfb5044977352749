using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Gemm_Int8_Neon_4x4c16 (Cortex-A72, no dot product): int8 products on int16 lanes summed pairwise into
/// int32, the widening scheme of MLAS's and XNNPACK's aarch64 "c8/c16 mlal" kernels. Per group of 16
/// reduction values, for each of the 4 x 4 (row, channel) pairs: SMULL (8 products of the low halves),
/// SMLAL2 (adds the 8 products of the high halves: each int16 lane now holds a[i] w[i] + a[8+i] w[8+i]),
/// SADALP (adds neighbouring int16 lanes into the int32 accumulator): 16 MACs in 3 instructions, plus two
/// LD1 of 4 registers (4 rows, 4 channels) per group. Operands stay int8, so packing is a copy and no
/// widening instruction runs in the loop. Each accumulator holds 4 partial sums; the epilogue adds them
/// with ADDP.
/// <para>
/// The int16 pair sum is exact unless both products are (-128) * (-128) = 16384: 32768 wraps. Weights
/// that put -128 at reduction positions i and 8 + i of one group for one channel run the
/// <typeparamref name="TPairs"/> = <see cref="SeparateProducts"/> instance instead, which accumulates each
/// SMULL / SMULL2 result on its own (4 instructions per 16 MACs); <see cref="GemmNeonPairwiseKernel{TSimd}"/> chooses.
/// </para>
/// </summary>
internal readonly unsafe struct GemmNeonPairwise4x4<TSimd, TPairs> : IGemmMicrokernel
    where TSimd : struct, IArmSimd where TPairs : struct, IProductPairing
{
    public static GemmLayout Layout => new(MR: 4, NR: 4, KGroup: 16, ElementBytes: 1, FlipActivations: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default, c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default, c30 = default, c31 = default, c32 = default, c33 = default;
        for (int g = 0; g < kGroups; g++)
        {
            var (a0, a1, a2, a3) = TSimd.Load4((sbyte*)a);
            var (b0, b1, b2, b3) = TSimd.Load4((sbyte*)b);
            c00 = Mac(c00, a0, b0); c01 = Mac(c01, a0, b1); c02 = Mac(c02, a0, b2); c03 = Mac(c03, a0, b3);
            c10 = Mac(c10, a1, b0); c11 = Mac(c11, a1, b1); c12 = Mac(c12, a1, b2); c13 = Mac(c13, a1, b3);
            c20 = Mac(c20, a2, b0); c21 = Mac(c21, a2, b1); c22 = Mac(c22, a2, b2); c23 = Mac(c23, a2, b3);
            c30 = Mac(c30, a3, b0); c31 = Mac(c31, a3, b1); c32 = Mac(c32, a3, b2); c33 = Mac(c33, a3, b3);
            a += 64;
            b += 64;
        }
        var biasVector = Vector128.Load(bias);
        var m = Vector128.Load(multipliers);
        var lo = Vector128.Create(q.Lo);
        var hi = Vector128.Create(q.Hi);
        var magic = Vector128.Create(q.MagicMinusZp);
        var r0 = Requantization.Apply(Sum(c00, c01, c02, c03) + biasVector, m, lo, hi, magic);
        var r1 = Requantization.Apply(Sum(c10, c11, c12, c13) + biasVector, m, lo, hi, magic);
        var r2 = Requantization.Apply(Sum(c20, c21, c22, c23) + biasVector, m, lo, hi, magic);
        var r3 = Requantization.Apply(Sum(c30, c31, c32, c33) + biasVector, m, lo, hi, magic);
        var bytes = Requantization.Narrow(r0, r1, r2, r3).AsUInt32();
        *(uint*)c = bytes.ToScalar();
        *(uint*)(c + cStride) = bytes.GetElement(1);
        *(uint*)(c + 2 * cStride) = bytes.GetElement(2);
        *(uint*)(c + 3 * cStride) = bytes.GetElement(3);
    }

    /// <summary>acc += the 16 products of a and w, as 4 int32 partial sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Mac(Vector128<int> acc, Vector128<sbyte> a, Vector128<sbyte> w)
    {
        var low = TSimd.MultiplyWideningLower(a.GetLower(), w.GetLower());
        if (TPairs.SumInInt16)
            return TSimd.AddPairwiseWideningAndAdd(acc, TSimd.MultiplyWideningUpperAndAdd(low, a, w));
        acc = TSimd.AddPairwiseWideningAndAdd(acc, low);
        return TSimd.AddPairwiseWideningAndAdd(acc, TSimd.MultiplyWideningUpper(a, w));
    }

    /// <summary>[sum(x0), sum(x1), sum(x2), sum(x3)] by three ADDP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Sum(Vector128<int> x0, Vector128<int> x1, Vector128<int> x2, Vector128<int> x3) =>
        TSimd.AddPairwise(TSimd.AddPairwise(x0, x1), TSimd.AddPairwise(x2, x3));
}

/// <summary>Whether a pairwise GEMM adds two int8 products in one int16 lane before widening.</summary>
internal interface IProductPairing
{
    static abstract bool SumInInt16 { get; }
}

/// <summary>Two products per int16 lane (SMULL + SMLAL2): exact unless both are (-128) * (-128).</summary>
internal readonly struct PairedProducts : IProductPairing
{
    public static bool SumInInt16 => true;
}

/// <summary>One product per int16 lane (SMULL, SMULL2): exact for every int8 operand.</summary>
internal readonly struct SeparateProducts : IProductPairing
{
    public static bool SumInInt16 => false;
}
