using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Quantization;

namespace EdgeCnn.Kernels;

/// <summary>
/// The output stage of every int32-accumulating kernel, vectorized, and bit-identical to
/// <see cref="QuantMath.Requantize"/>: v = (float)acc * multiplier (one float multiply, no FMA), clamp v to
/// [qmin - zp, qmax - zp] in float, round half to even, add zp.
/// <para>
/// Rounding uses the magic-number trick: after the clamp |v| &lt;= 255, and for such v the float sum
/// v + 1.5 * 2^23 lies in [2^23, 2^24) where the spacing of floats is exactly 1, so the addition itself
/// rounds v to the nearest integer, ties to even (IEEE default rounding), and the low mantissa bits hold
/// round(v) + 2^22. Subtracting the bit pattern 0x4B400000 of 1.5 * 2^23 leaves round(v); the output
/// zero point is folded into that constant. Tests compare it with MathF.Round on every clamp boundary,
/// every half-integer in range and random values.
/// </para>
/// </summary>
internal readonly struct Requantization
{
    public const float Magic = 12582912f; // 1.5 * 2^23
    public const int MagicBits = 0x4B400000;

    /// <summary>Lower clamp qmin - zp, in the float domain before rounding.</summary>
    public readonly float Lo;
    /// <summary>Upper clamp qmax - zp.</summary>
    public readonly float Hi;
    /// <summary>MagicBits - zp: subtracting it from the bits of v + Magic gives round(v) + zp.</summary>
    public readonly int MagicMinusZp;
    /// <summary>The output zero point and the int8 clamp, as integers: output stages that saturate in
    /// integers use them directly (deriving them from the float fields costs a checked conversion each,
    /// per microkernel call).</summary>
    public readonly int OutZp, QMin, QMax;

    public Requantization(int outZp, int qmin, int qmax)
    {
        new Reference.ConvQuantization(0, outZp, qmin, qmax).Validate();
        Lo = qmin - outZp;
        Hi = qmax - outZp;
        MagicMinusZp = MagicBits - outZp;
        OutZp = outZp;
        QMin = qmin;
        QMax = qmax;
    }

    /// <summary>
    /// True when no accumulator of the layer can make |(float)acc * multiplier| reach 2^31, so the
    /// output stages that convert with vcvtps2dq (<see cref="Gemm.Epilogue256"/>) may skip their upper
    /// clamp in float, which exists only to keep huge positive values from converting to int.MinValue.
    /// False (clamp) unless the packing code proved it with <see cref="ConversionCannotOverflow"/>.
    /// </summary>
    public bool NoConversionOverflow { get; init; }

    /// <summary>Whether [qmin, qmax] is narrower than [-128, 127] (a fused activation): the int8 saturation alone is not the clamp.</summary>
    public bool ClampsBytes => QMin > -128 || QMax < 127;

    /// <summary>
    /// Whether every accumulator bias + sum of <paramref name="reduction"/> products (x - zp) * w, each at
    /// most 255 * 127 in magnitude, times its channel's multiplier stays below 2^30 in magnitude (int32
    /// accumulators wrap, so a bound past 2^31 counts as 2^31). The margin covers the two float roundings.
    /// </summary>
    public static bool ConversionCannotOverflow(ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers, long reduction)
    {
        for (int c = 0; c < multipliers.Length; c++)
        {
            double acc = Math.Min(2147483648.0, Math.Abs(bias.IsEmpty ? 0.0 : bias[c]) + reduction * 255.0 * 127.0);
            if (!(acc * Math.Abs(multipliers[c]) < 1073741824.0)) return false;
        }
        return true;
    }

    /// <summary>The scalar form of the vector rule (used by kernel tails); equals QuantMath.Requantize.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply(int acc, float multiplier)
    {
        float v = (float)acc * multiplier;
        v = v < Lo ? Lo : v;
        v = v > Hi ? Hi : v;
        float r = v + Magic;
        return (sbyte)(BitConverter.SingleToInt32Bits(r) - MagicMinusZp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Apply(Vector128<int> acc, Vector128<float> multiplier, Vector128<float> lo, Vector128<float> hi, Vector128<int> magicMinusZp)
    {
        var v = Vector128.ConvertToSingle(acc) * multiplier;
        v = Vector128.MinNative(Vector128.MaxNative(v, lo), hi);
        return (v + Vector128.Create(Magic)).AsInt32() - magicMinusZp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Apply(Vector256<int> acc, Vector256<float> multiplier, Vector256<float> lo, Vector256<float> hi, Vector256<int> magicMinusZp)
    {
        var v = Vector256.ConvertToSingle(acc) * multiplier;
        v = Vector256.MinNative(Vector256.MaxNative(v, lo), hi);
        return (v + Vector256.Create(Magic)).AsInt32() - magicMinusZp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Apply(Vector512<int> acc, Vector512<float> multiplier, Vector512<float> lo, Vector512<float> hi, Vector512<int> magicMinusZp)
    {
        var v = Vector512.ConvertToSingle(acc) * multiplier;
        v = Vector512.MinNative(Vector512.MaxNative(v, lo), hi);
        return (v + Vector512.Create(Magic)).AsInt32() - magicMinusZp;
    }

    /// <summary>Four int32 vectors already in [-128, 127] to 16 bytes (truncating narrows are exact here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Narrow(Vector128<int> a, Vector128<int> b, Vector128<int> c, Vector128<int> d) =>
        Vector128.Narrow(Vector128.Narrow(a, b), Vector128.Narrow(c, d));

    /// <summary>Two 8-lane int32 vectors already in [-128, 127] to 16 bytes in lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Narrow(Vector256<int> a, Vector256<int> b)
    {
        var s = Vector256.Narrow(a, b);
        return Vector128.Narrow(s.GetLower(), s.GetUpper());
    }
}
