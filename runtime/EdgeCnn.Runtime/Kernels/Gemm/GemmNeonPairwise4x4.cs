using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Gemm_Int8_Neon_4x4c16 (Cortex-A72, no dot product): int8 products on int16 lanes summed pairwise into
/// int32, the widening scheme of MLAS's and XNNPACK's aarch64 "c8/c16 mlal" kernels. Per group of 16
/// reduction values, for each of the 4 x 4 (row, channel) pairs: SMULL (8 products of the low halves),
/// SMLAL (adds the 8 products of the high halves: each int16 lane now holds a[i] w[i] + a[8+i] w[8+i]),
/// SADALP (adds neighbouring int16 lanes into the int32 accumulator): 16 MACs in 3 instructions, plus 8
/// paired 64-bit loads (4 rows, 4 channels) per group. Operands stay int8, so packing is a copy and no
/// widening instruction runs in the loop. Each accumulator holds 4 partial sums; the epilogue adds them
/// with ADDP.
/// <para>
/// The int16 pair sum is exact unless both products are (-128) * (-128) = 16384: 32768 wraps. Weights
/// that put -128 at reduction positions i and 8 + i of one group for one channel run the
/// <typeparamref name="TPairs"/> = <see cref="SeparateProducts"/> instance instead, which accumulates each
/// SMULL result on its own (4 instructions per 16 MACs); <see cref="GemmNeonPairwiseKernel{TSimd}"/> chooses.
/// </para>
/// </summary>
internal readonly unsafe struct GemmNeonPairwise4x4<TSimd, TPairs> : IGemmMicrokernel
    where TSimd : struct, IArmSimd where TPairs : struct, IProductPairing
{
    public static GemmLayout Layout => new(MR: 4, NR: 4, KGroup: 16, ElementBytes: 1, FlipActivations: false);

    public static void Run(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride) =>
        RunPanels(kGroups, a, 1, 0, b, bias, multipliers, q, c, cStride);

    /// <summary>
    /// One B tile against <paramref name="panels"/> A panels <paramref name="panelBytes"/> apart, whose output
    /// rows follow each other (4 rows per panel): the tile loop of <see cref="GemmNeonPairwiseKernel{TSimd}"/>
    /// without a call, register saves and pointer set-up per 4 x 4 tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPanels(int kGroups, byte* a, int panels, nint panelBytes, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        int zp = Requantization.MagicBits - q.MagicMinusZp;
        sbyte qmin = (sbyte)((int)q.Lo + zp), qmax = (sbyte)((int)q.Hi + zp);
        nint groupBytes = (nint)kGroups * 64; // kGroups >= 1: K is positive
        // The epilogue's operands are the same for every panel: loaded once, they take 5 of the 32 vector
        // registers (the loop uses 27) instead of 6 instructions per 4 x 4 tile.
        var biasVector = Vector128.Load(bias);
        var m = Vector128.Load(multipliers);
        var zeroPoint = Vector128.Create((short)zp);
        var lowest = Vector128.Create(qmin);
        var highest = Vector128.Create(qmax);
        for (int p = 0; p < panels; p++, a += panelBytes, c += 4 * cStride)
        {
            byte* ap = a, bp = b, aEnd = a + groupBytes;
            // The first group starts the accumulators (SADDLP) instead of adding to zeroed ones: 16 fewer
            // instructions per tile, a sixth of the tile's work when K is 16.
            Vector128<int> c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
            Unsafe.SkipInit(out c00); Unsafe.SkipInit(out c01); Unsafe.SkipInit(out c02); Unsafe.SkipInit(out c03);
            Unsafe.SkipInit(out c10); Unsafe.SkipInit(out c11); Unsafe.SkipInit(out c12); Unsafe.SkipInit(out c13);
            Unsafe.SkipInit(out c20); Unsafe.SkipInit(out c21); Unsafe.SkipInit(out c22); Unsafe.SkipInit(out c23);
            Unsafe.SkipInit(out c30); Unsafe.SkipInit(out c31); Unsafe.SkipInit(out c32); Unsafe.SkipInit(out c33);
            Group<StartAccumulators>(ap, bp, 0, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13,
                ref c20, ref c21, ref c22, ref c23, ref c30, ref c31, ref c32, ref c33);
            ap += 64;
            bp += 64;
            // Two groups per iteration: the pointer updates and the branch are 4 of 61 instructions per group.
            while (ap < aEnd - 64)
            {
                Group<AddToAccumulators>(ap, bp, 0, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13,
                    ref c20, ref c21, ref c22, ref c23, ref c30, ref c31, ref c32, ref c33);
                Group<AddToAccumulators>(ap, bp, 64, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13,
                    ref c20, ref c21, ref c22, ref c23, ref c30, ref c31, ref c32, ref c33);
                ap += 128;
                bp += 128;
            }
            if (ap < aEnd)
            {
                Group<AddToAccumulators>(ap, bp, 0, ref c00, ref c01, ref c02, ref c03, ref c10, ref c11, ref c12, ref c13,
                    ref c20, ref c21, ref c22, ref c23, ref c30, ref c31, ref c32, ref c33);
            }

            // The requantization rule with the rounding before the clamp: FCVTNS rounds (float)acc * m half to
            // even, saturating narrows and SQADD add the zero point, SMAX/SMIN clamp all 16 outputs at once.
            // Same bits as clamping first (Requantization.Apply): the clamp bounds are integers, and rounding
            // is monotonic and keeps integers, so it commutes with the clamp; saturation only ever moves a
            // value that the clamp moves to the same bound.
            var r0 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(Sum(c00, c01, c02, c03) + biasVector) * m);
            var r1 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(Sum(c10, c11, c12, c13) + biasVector) * m);
            var r2 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(Sum(c20, c21, c22, c23) + biasVector) * m);
            var r3 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(Sum(c30, c31, c32, c33) + biasVector) * m);
            var rows01 = TSimd.AddSaturate(TSimd.NarrowSaturate(r0, r1), zeroPoint);
            var rows23 = TSimd.AddSaturate(TSimd.NarrowSaturate(r2, r3), zeroPoint);
            var bytes = Vector128.Min(Vector128.Max(TSimd.NarrowSaturate(rows01, rows23), lowest), highest).AsUInt32();
            sbyte* row = c;
            TSimd.StoreLane((uint*)row, bytes, 0);
            row += cStride;
            TSimd.StoreLane((uint*)row, bytes, 1);
            row += cStride;
            TSimd.StoreLane((uint*)row, bytes, 2);
            row += cStride;
            TSimd.StoreLane((uint*)row, bytes, 3);
        }
    }

    /// <summary>
    /// One group of 16 reduction values for the 4 x 4 tile (all of it inlined: the refs become registers), at
    /// <paramref name="offset"/> bytes past both pointers. A constant offset becomes the loads' immediate; passing
    /// ap + 64 instead costs two ADD per group (the JIT keeps the sum in a register).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group<TStart>(byte* ap, byte* bp, int offset,
        ref Vector128<int> c00, ref Vector128<int> c01, ref Vector128<int> c02, ref Vector128<int> c03,
        ref Vector128<int> c10, ref Vector128<int> c11, ref Vector128<int> c12, ref Vector128<int> c13,
        ref Vector128<int> c20, ref Vector128<int> c21, ref Vector128<int> c22, ref Vector128<int> c23,
        ref Vector128<int> c30, ref Vector128<int> c31, ref Vector128<int> c32, ref Vector128<int> c33) where TStart : struct, IAccumulatorStart
    {
        // 64-bit halves, loaded as such: a 128-bit load split with GetLower costs a register copy per
        // row and channel (the JIT does not reuse the register for the low half).
        var b0 = Vector64.Load((sbyte*)bp + offset);
        var b0h = Vector64.Load((sbyte*)bp + (offset + 8));
        var b1 = Vector64.Load((sbyte*)bp + (offset + 16));
        var b1h = Vector64.Load((sbyte*)bp + (offset + 24));
        var b2 = Vector64.Load((sbyte*)bp + (offset + 32));
        var b2h = Vector64.Load((sbyte*)bp + (offset + 40));
        var b3 = Vector64.Load((sbyte*)bp + (offset + 48));
        var b3h = Vector64.Load((sbyte*)bp + (offset + 56));
        var a0 = Vector64.Load((sbyte*)ap + offset);
        var a0h = Vector64.Load((sbyte*)ap + (offset + 8));
        c00 = Mac<TStart>(c00, a0, a0h, b0, b0h); c01 = Mac<TStart>(c01, a0, a0h, b1, b1h); c02 = Mac<TStart>(c02, a0, a0h, b2, b2h); c03 = Mac<TStart>(c03, a0, a0h, b3, b3h);
        var a1 = Vector64.Load((sbyte*)ap + (offset + 16));
        var a1h = Vector64.Load((sbyte*)ap + (offset + 24));
        c10 = Mac<TStart>(c10, a1, a1h, b0, b0h); c11 = Mac<TStart>(c11, a1, a1h, b1, b1h); c12 = Mac<TStart>(c12, a1, a1h, b2, b2h); c13 = Mac<TStart>(c13, a1, a1h, b3, b3h);
        var a2 = Vector64.Load((sbyte*)ap + (offset + 32));
        var a2h = Vector64.Load((sbyte*)ap + (offset + 40));
        c20 = Mac<TStart>(c20, a2, a2h, b0, b0h); c21 = Mac<TStart>(c21, a2, a2h, b1, b1h); c22 = Mac<TStart>(c22, a2, a2h, b2, b2h); c23 = Mac<TStart>(c23, a2, a2h, b3, b3h);
        var a3 = Vector64.Load((sbyte*)ap + (offset + 48));
        var a3h = Vector64.Load((sbyte*)ap + (offset + 56));
        c30 = Mac<TStart>(c30, a3, a3h, b0, b0h); c31 = Mac<TStart>(c31, a3, a3h, b1, b1h); c32 = Mac<TStart>(c32, a3, a3h, b2, b2h); c33 = Mac<TStart>(c33, a3, a3h, b3, b3h);
    }

    /// <summary>acc (or nothing, for the first group) + the 16 products of (a, ah) and (w, wh), as 4 int32 partial sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Mac<TStart>(Vector128<int> acc, Vector64<sbyte> a, Vector64<sbyte> ah, Vector64<sbyte> w, Vector64<sbyte> wh)
        where TStart : struct, IAccumulatorStart
    {
        var low = TSimd.MultiplyWideningLower(a, w);
        if (TPairs.SumInInt16)
        {
            var pairs = TSimd.MultiplyWideningLowerAndAdd(low, ah, wh);
            return TStart.Adds ? TSimd.AddPairwiseWideningAndAdd(acc, pairs) : TSimd.AddPairwiseWidening(pairs);
        }
        acc = TStart.Adds ? TSimd.AddPairwiseWideningAndAdd(acc, low) : TSimd.AddPairwiseWidening(low);
        return TSimd.AddPairwiseWideningAndAdd(acc, TSimd.MultiplyWideningLower(ah, wh));
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

/// <summary>Two products per int16 lane (SMULL + SMLAL): exact unless both are (-128) * (-128).</summary>
internal readonly struct PairedProducts : IProductPairing
{
    public static bool SumInInt16 => true;
}

/// <summary>One product per int16 lane (two SMULL): exact for every int8 operand.</summary>
internal readonly struct SeparateProducts : IProductPairing
{
    public static bool SumInInt16 => false;
}

/// <summary>Whether a group adds its products to the accumulators (SADALP) or starts them (SADDLP).</summary>
internal interface IAccumulatorStart
{
    static abstract bool Adds { get; }
}

internal readonly struct StartAccumulators : IAccumulatorStart
{
    public static bool Adds => false;
}

internal readonly struct AddToAccumulators : IAccumulatorStart
{
    public static bool Adds => true;
}
