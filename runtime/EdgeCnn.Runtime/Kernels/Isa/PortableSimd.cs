using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Kernels.Isa;

/// <summary>
/// The same operations in cross-platform Vector128 code (SSE on x86): products are formed on widened
/// int32 lanes, so every result is exact. This is how the NEON-shaped kernels become the portable
/// Vector128 kernels of the table.
/// </summary>
internal readonly struct PortableSimd : IArmSimd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> SubtractWideningLower(Vector64<sbyte> a, Vector64<sbyte> b) =>
        Vector128.WidenLower(a.ToVector128Unsafe()) - Vector128.WidenLower(b.ToVector128Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector64<short> b) =>
        acc + Vector128.WidenLower(a.ToVector128Unsafe()) * Vector128.WidenLower(b.ToVector128Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b) =>
        acc + Vector128.WidenUpper(a) * Vector128.WidenUpper(b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyBySelectedScalarWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane) =>
        acc + Vector128.WidenLower(a.ToVector128Unsafe()) * Vector128.Create((int)b.GetElement(lane));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyBySelectedScalarWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane) =>
        acc + Vector128.WidenUpper(a) * Vector128.Create((int)b.GetElement(lane));

    /// <summary>Vector128.Round rounds half to even; float-to-int conversion saturates (NaN gives 0) since .NET 9.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> ConvertToInt32RoundToEven(Vector128<float> a) => Vector128.ConvertToInt32(Vector128.Round(a));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> NarrowSaturate(Vector128<int> lo, Vector128<int> hi)
    {
        var min = Vector128.Create((int)short.MinValue);
        var max = Vector128.Create((int)short.MaxValue);
        return Vector128.Narrow(Vector128.Min(Vector128.Max(lo, min), max), Vector128.Min(Vector128.Max(hi, min), max));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> AddSaturate(Vector128<short> a, Vector128<short> b) => Vector128.AddSaturate(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector64<sbyte> NarrowSaturate(Vector128<short> a)
    {
        var clamped = Vector128.Min(Vector128.Max(a, Vector128.Create((short)sbyte.MinValue)), Vector128.Create((short)sbyte.MaxValue));
        return Vector128.Narrow(clamped, clamped).GetLower();
    }

    /// <summary>Shuffle zeroes lanes whose index is 16 or more: idx - 16 wraps to 240 and up for the first register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> VectorTableLookup2(Vector128<sbyte> t0, Vector128<sbyte> t1, Vector128<byte> idx) =>
        (Vector128.Shuffle(t0.AsByte(), idx) | Vector128.Shuffle(t1.AsByte(), idx - Vector128.Create((byte)16))).AsSByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> MultiplyWideningLower(Vector64<sbyte> a, Vector64<sbyte> b) =>
        Vector128.WidenLower(a.ToVector128Unsafe()) * Vector128.WidenLower(b.ToVector128Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> MultiplyWideningLowerAndAdd(Vector128<short> acc, Vector64<sbyte> a, Vector64<sbyte> b) =>
        acc + Vector128.WidenLower(a.ToVector128Unsafe()) * Vector128.WidenLower(b.ToVector128Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwiseWideningAndAdd(Vector128<int> acc, Vector128<short> a)
    {
        // (int32)a[2i] + (int32)a[2i + 1]: sign-extend the odd lanes by an arithmetic shift, the even by shifting up first.
        var pairs = a.AsInt32();
        return acc + (pairs << 16 >> 16) + (pairs >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwiseWidening(Vector128<short> a) => AddPairwiseWideningAndAdd(Vector128<int>.Zero, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> AddPairwise(Vector128<int> a, Vector128<int> b) =>
        Vector128.Create(a[0] + a[1], a[2] + a[3], b[0] + b[1], b[2] + b[3]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> NarrowSaturate(Vector128<short> lower, Vector128<short> upper)
    {
        var min = Vector128.Create((short)sbyte.MinValue);
        var max = Vector128.Create((short)sbyte.MaxValue);
        return Vector128.Narrow(Vector128.Min(Vector128.Max(lower, min), max), Vector128.Min(Vector128.Max(upper, min), max));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreLane(uint* p, Vector128<uint> v, [ConstantExpected(Max = (byte)3)] byte lane) => *p = v.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DotProductBySelectedQuadruplet(Vector128<int> acc, Vector128<sbyte> a, Vector128<sbyte> b, [ConstantExpected(Max = (byte)3)] byte lane)
    {
        // Broadcast the selected quadruplet, multiply on int16 lanes (|a*b| <= 16384 fits), then sum
        // each group of four products by widening twice to int32.
        var quad = Vector128.Create(b.AsInt32().GetElement(lane)).AsSByte();
        var lo = Vector128.WidenLower(a) * Vector128.WidenLower(quad); // products 0..7
        var hi = Vector128.WidenUpper(a) * Vector128.WidenUpper(quad); // products 8..15
        var p0 = Vector128.WidenLower(lo); // lane i: product i, i < 4 (group 0)
        var p1 = Vector128.WidenUpper(lo); // group 1
        var p2 = Vector128.WidenLower(hi); // group 2
        var p3 = Vector128.WidenUpper(hi); // group 3
        return acc + Vector128.Create(Vector128.Sum(p0), Vector128.Sum(p1), Vector128.Sum(p2), Vector128.Sum(p3));
    }
}
