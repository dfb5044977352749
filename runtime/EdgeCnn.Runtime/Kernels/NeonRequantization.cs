using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels;

/// <summary>
/// The output stage of the NEON kernels, 8 channels at a time, bit-identical to <see cref="Requantization"/>
/// in fewer instructions: v = (float)acc * multiplier (SCVTF, FMUL), rounded half to even by FCVTNS
/// instead of the clamp and magic-number addition, then the output zero point added and the int8 range
/// taken in the integer domain (SQXTN, SQXTN2, SQADD, SQXTN, SMAX, SMIN): 13 instructions instead of 19.
/// <para>
/// Why it is exact: the reference clamps v to [qmin - zp, qmax - zp] and rounds; the bounds are
/// integers and rounding is monotonic, so clamping after rounding gives the same integer. Each
/// saturation on the way (int32, int16, int8) is monotonic and keeps every value of [qmin, qmax]
/// unchanged, so the final clamp to [qmin, qmax] yields the reference's result.
/// </para>
/// </summary>
internal readonly struct NeonRequantization<TSimd> where TSimd : struct, IArmSimd
{
    private readonly Vector128<short> _zp;
    private readonly Vector64<sbyte> _min, _max;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public NeonRequantization(in Requantization q)
    {
        // Lo = qmin - zp and Hi = qmax - zp (exact small integers in float) give back zp, qmin and qmax.
        int zp = (int)Requantization.MagicBits - q.MagicMinusZp;
        _zp = Vector128.Create((short)zp);
        _min = Vector64.Create((sbyte)((int)q.Lo + zp));
        _max = Vector64.Create((sbyte)((int)q.Hi + zp));
    }

    /// <summary>Channels 0-3 in <paramref name="acc0"/>, 4-7 in <paramref name="acc1"/>, to 8 int8 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector64<sbyte> Apply(Vector128<int> acc0, Vector128<int> acc1, Vector128<float> m0, Vector128<float> m1)
    {
        var r0 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(acc0) * m0);
        var r1 = TSimd.ConvertToInt32RoundToEven(Vector128.ConvertToSingle(acc1) * m1);
        var s = TSimd.AddSaturate(TSimd.NarrowSaturate(r0, r1), _zp);
        return Vector64.Min(Vector64.Max(TSimd.NarrowSaturate(s), _min), _max);
    }
}
