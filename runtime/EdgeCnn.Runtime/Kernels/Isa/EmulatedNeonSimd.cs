using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Kernels.Isa;

/// <summary>
/// Scalar emulation of each instruction exactly as the Arm Architecture Reference Manual defines it
/// (element-wise sign extension, full-width products, modular int32 addition), so the NEON kernels run
/// and are tested on any machine. Every call is counted per thread in <see cref="Counts"/>, which lets
/// the tests report how many int8 multiply-accumulates each issued multiply instruction performs.
/// </summary>
internal readonly struct EmulatedNeonSimd : IArmSimd
{
    [ThreadStatic] private static InstructionCounts? t_counts;

    /// <summary>The calling thread's instruction counts.</summary>
    public static InstructionCounts Counts => t_counts ??= new InstructionCounts();

    public static Vector128<short> SubtractWideningLower(Vector64<sbyte> a, Vector64<sbyte> b)
    {
        Counts.Ssubl++;
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = (short)(a.GetElement(i) - b.GetElement(i));
        return Vector128.Create((ReadOnlySpan<short>)r);
    }

    public static Vector128<int> MultiplyWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector64<short> b)
    {
        Counts.Smlal++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(acc.GetElement(i) + a.GetElement(i) * b.GetElement(i));
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> MultiplyWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b)
    {
        Counts.Smlal++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(acc.GetElement(i) + a.GetElement(4 + i) * b.GetElement(4 + i));
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> MultiplyBySelectedScalarWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane)
    {
        Counts.Smlal++;
        int scalar = b.GetElement(lane);
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(acc.GetElement(i) + a.GetElement(i) * scalar);
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> MultiplyBySelectedScalarWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane)
    {
        Counts.Smlal++;
        int scalar = b.GetElement(lane);
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(acc.GetElement(i) + a.GetElement(4 + i) * scalar);
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> ConvertToInt32RoundToEven(Vector128<float> a)
    {
        Counts.Other++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            double x = Math.Round((double)a.GetElement(i), MidpointRounding.ToEven);
            r[i] = double.IsNaN(x) ? 0 : x >= int.MaxValue ? int.MaxValue : x <= int.MinValue ? int.MinValue : (int)x;
        }
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<short> NarrowSaturate(Vector128<int> lo, Vector128<int> hi)
    {
        Counts.Other += 2;
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 4; i++)
        {
            r[i] = (short)Math.Clamp(lo.GetElement(i), short.MinValue, short.MaxValue);
            r[4 + i] = (short)Math.Clamp(hi.GetElement(i), short.MinValue, short.MaxValue);
        }
        return Vector128.Create((ReadOnlySpan<short>)r);
    }

    public static Vector128<short> AddSaturate(Vector128<short> a, Vector128<short> b)
    {
        Counts.Other++;
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = (short)Math.Clamp(a.GetElement(i) + b.GetElement(i), short.MinValue, short.MaxValue);
        return Vector128.Create((ReadOnlySpan<short>)r);
    }

    public static Vector64<sbyte> NarrowSaturate(Vector128<short> a)
    {
        Counts.Other++;
        Span<sbyte> r = stackalloc sbyte[8];
        for (int i = 0; i < 8; i++) r[i] = (sbyte)Math.Clamp((int)a.GetElement(i), sbyte.MinValue, sbyte.MaxValue);
        return Vector64.Create((ReadOnlySpan<sbyte>)r);
    }

    public static Vector128<sbyte> VectorTableLookup2(Vector128<sbyte> t0, Vector128<sbyte> t1, Vector128<byte> idx)
    {
        Counts.Tbl++;
        Span<sbyte> r = stackalloc sbyte[16];
        for (int i = 0; i < 16; i++)
        {
            int j = idx.GetElement(i);
            r[i] = j < 16 ? t0.GetElement(j) : j < 32 ? t1.GetElement(j - 16) : (sbyte)0;
        }
        return Vector128.Create((ReadOnlySpan<sbyte>)r);
    }

    public static Vector128<short> MultiplyWideningLower(Vector64<sbyte> a, Vector64<sbyte> b)
    {
        Counts.Smull++;
        Span<short> r = stackalloc short[8];
        for (int i = 0; i < 8; i++) r[i] = (short)(a.GetElement(i) * b.GetElement(i));
        return Vector128.Create((ReadOnlySpan<short>)r);
    }

    public static Vector128<short> MultiplyWideningLowerAndAdd(Vector128<short> acc, Vector64<sbyte> a, Vector64<sbyte> b)
    {
        Counts.Smull++;
        Span<short> r = stackalloc short[8];
        // The Arm definition keeps the low 16 bits of the sum: 16384 + 16384 wraps to -32768.
        for (int i = 0; i < 8; i++) r[i] = unchecked((short)(acc.GetElement(i) + a.GetElement(i) * b.GetElement(i)));
        return Vector128.Create((ReadOnlySpan<short>)r);
    }

    public static Vector128<int> AddPairwiseWideningAndAdd(Vector128<int> acc, Vector128<short> a)
    {
        Counts.Sadalp++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = unchecked(acc.GetElement(i) + a.GetElement(2 * i) + a.GetElement(2 * i + 1));
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> AddPairwiseWidening(Vector128<short> a)
    {
        Counts.Sadalp++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++) r[i] = a.GetElement(2 * i) + a.GetElement(2 * i + 1);
        return Vector128.Create((ReadOnlySpan<int>)r);
    }

    public static Vector128<int> AddPairwise(Vector128<int> a, Vector128<int> b) =>
        Vector128.Create(unchecked(a[0] + a[1]), unchecked(a[2] + a[3]), unchecked(b[0] + b[1]), unchecked(b[2] + b[3]));

    public static Vector128<sbyte> NarrowSaturate(Vector128<short> lower, Vector128<short> upper)
    {
        Span<sbyte> r = stackalloc sbyte[16];
        for (int i = 0; i < 8; i++)
        {
            r[i] = (sbyte)Math.Clamp(lower.GetElement(i), sbyte.MinValue, sbyte.MaxValue);
            r[8 + i] = (sbyte)Math.Clamp(upper.GetElement(i), sbyte.MinValue, sbyte.MaxValue);
        }
        return Vector128.Create((ReadOnlySpan<sbyte>)r);
    }

    public static unsafe void StoreLane(uint* p, Vector128<uint> v, [ConstantExpected(Max = (byte)3)] byte lane)
    {
        if (lane > 3) throw new ArgumentOutOfRangeException(nameof(lane), lane, "ST1 of a 32-bit lane selects one of 4");
        *p = v.GetElement(lane);
    }

    public static Vector128<int> DotProductBySelectedQuadruplet(Vector128<int> acc, Vector128<sbyte> a, Vector128<sbyte> b, [ConstantExpected(Max = (byte)3)] byte lane)
    {
        if (lane > 3) throw new ArgumentOutOfRangeException(nameof(lane), lane, "SDOT by element selects one of 4 quadruplets");
        Counts.Sdot++;
        Span<int> r = stackalloc int[4];
        for (int i = 0; i < 4; i++)
        {
            int sum = acc.GetElement(i);
            for (int j = 0; j < 4; j++) sum = unchecked(sum + a.GetElement(4 * i + j) * b.GetElement(4 * lane + j));
            r[i] = sum;
        }
        return Vector128.Create((ReadOnlySpan<int>)r);
    }
}

/// <summary>How many of each emulated instruction one thread issued.</summary>
internal sealed class InstructionCounts
{
    public long Ssubl;
    public long Smlal;
    public long Sdot;
    public long Tbl;
    /// <summary>Conversions and saturating narrows of the output stage.</summary>
    public long Other;
    /// <summary>SMULL and SMLAL on int8 lanes: 8 products each.</summary>
    public long Smull;
    /// <summary>SADALP and SADDLP: pairwise widening adds.</summary>
    public long Sadalp;

    public void Reset() => Ssubl = Smlal = Sdot = Tbl = Other = Smull = Sadalp = 0;
}
