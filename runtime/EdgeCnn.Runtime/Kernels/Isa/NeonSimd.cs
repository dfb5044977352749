using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeCnn.Kernels.Isa;

/// <summary>The real instructions (ARM64 only; kernels using it are dispatched only when AdvSimd / Dp are supported).</summary>
internal readonly struct NeonSimd : IArmSimd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> SubtractWideningLower(Vector64<sbyte> a, Vector64<sbyte> b) => AdvSimd.SubtractWideningLower(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector64<short> b) =>
        AdvSimd.MultiplyWideningLowerAndAdd(acc, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b) =>
        AdvSimd.MultiplyWideningUpperAndAdd(acc, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyBySelectedScalarWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane) =>
        AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(acc, a, b, lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyBySelectedScalarWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane) =>
        AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(acc, a, b, lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ConvertToInt32RoundToEven(Vector128<float> a) => AdvSimd.ConvertToInt32RoundToEven(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> NarrowSaturate(Vector128<int> lo, Vector128<int> hi) =>
        AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lo), hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> AddSaturate(Vector128<short> a, Vector128<short> b) => AdvSimd.AddSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector64<sbyte> NarrowSaturate(Vector128<short> a) => AdvSimd.ExtractNarrowingSaturateLower(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> VectorTableLookup2(Vector128<sbyte> t0, Vector128<sbyte> t1, Vector128<byte> idx) =>
        AdvSimd.Arm64.VectorTableLookup((t0.AsByte(), t1.AsByte()), idx).AsSByte();

    public static Vector128<short> MultiplyWideningLower(Vector64<sbyte> a, Vector64<sbyte> b) => AdvSimd.MultiplyWideningLower(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> MultiplyWideningLowerAndAdd(Vector128<short> acc, Vector64<sbyte> a, Vector64<sbyte> b) =>
        AdvSimd.MultiplyWideningLowerAndAdd(acc, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwiseWideningAndAdd(Vector128<int> acc, Vector128<short> a) => AdvSimd.AddPairwiseWideningAndAdd(acc, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwiseWidening(Vector128<short> a) => AdvSimd.AddPairwiseWidening(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwise(Vector128<int> a, Vector128<int> b) => AdvSimd.Arm64.AddPairwise(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> NarrowSaturate(Vector128<short> lower, Vector128<short> upper) =>
        AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreLane(uint* p, Vector128<uint> v, [ConstantExpected(Max = (byte)3)] byte lane) => AdvSimd.StoreSelectedScalar(p, v, lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DotProductBySelectedQuadruplet(Vector128<int> acc, Vector128<sbyte> a, Vector128<sbyte> b, [ConstantExpected(Max = (byte)3)] byte lane) =>
        Dp.DotProductBySelectedQuadruplet(acc, a, b, lane);
}
