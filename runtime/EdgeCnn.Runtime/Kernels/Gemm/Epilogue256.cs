using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Requantizes and stores one 16-channel row of an AVX2 / AVX-VNNI microkernel tile (the accumulators
/// already include the bias), bit-identical to <see cref="Quantization.QuantMath.Requantize"/> with fewer
/// instructions than the float clamp + magic-number form, which matters when K is small:
/// <list type="number">
/// <item>v = min((float)acc * m, qmax - zp): one multiply (no FMA), then the upper clamp in float, so no
/// value above the clamp reaches the conversion (skipped when the layer's accumulators provably keep
/// |v| below 2^31, <see cref="Requantization.NoConversionOverflow"/>: then the saturating steps below
/// clamp them the same way).</item>
/// <item>vcvtps2dq rounds half to even (the default MXCSR mode .NET runs with); values below the int32
/// range become int.MinValue, which is still below every bound.</item>
/// <item>Saturating packs to int16, a saturating add of zp in int16, a saturating pack to int8, then the
/// byte clamp to [qmin, qmax] (skipped when that is [-128, 127]). Saturation only ever moves values that lie far outside [qmin, qmax]
/// (|value| &gt;= 32767), and every step is monotone, so the clamped result equals
/// clamp(round(v) + zp, qmin, qmax), which is the reference (rounding commutes with the clamp).</item>
/// </list>
/// </summary>
internal readonly unsafe struct Epilogue256
{
    private readonly Vector256<float> _m0, _m1, _hi;
    private readonly Vector256<short> _zp;
    private readonly Vector128<sbyte> _qmin, _qmax;
    // Skipped when they cannot change a result (see Requantization.NoConversionOverflow, ClampsBytes):
    // with few products per output (K = 16 to 32 in early 1x1 layers) the output stage is as much work as
    // the multiplies, and these are 4 of its 14 instructions per 16 channels.
    private readonly bool _clampHigh, _clampBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Epilogue256(float* multipliers, in Requantization q)
    {
        _m0 = Vector256.Load(multipliers);
        _m1 = Vector256.Load(multipliers + 8);
        _hi = Vector256.Create(q.Hi);
        int zp = Requantization.MagicBits - q.MagicMinusZp;
        _zp = Vector256.Create((short)zp);
        _qmin = Vector128.Create((sbyte)(q.Lo + zp));
        _qmax = Vector128.Create((sbyte)(q.Hi + zp));
        _clampHigh = !q.NoConversionOverflow;
        _clampBytes = q.ClampsBytes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Vector256<int> acc0, Vector256<int> acc1, sbyte* dst)
    {
        var v0 = Avx.ConvertToVector256Single(acc0) * _m0;
        var v1 = Avx.ConvertToVector256Single(acc1) * _m1;
        if (_clampHigh)
        {
            v0 = Avx.Min(v0, _hi);
            v1 = Avx.Min(v1, _hi);
        }
        var i0 = Avx.ConvertToVector256Int32(v0);
        var i1 = Avx.ConvertToVector256Int32(v1);
        // Per 128-bit lane: [c0-3, c8-11 | c4-7, c12-15] as int16, then as int8 (each lane packed with itself).
        var s = Avx2.AddSaturate(Avx2.PackSignedSaturate(i0, i1), _zp);
        var b = Avx2.PackSignedSaturate(s, s).AsInt32();
        // Dwords 0 (c0-3), 4 (c4-7), 1 (c8-11), 5 (c12-15) in channel order.
        var ordered = Avx2.PermuteVar8x32(b, Vector256.Create(0, 4, 1, 5, 0, 4, 1, 5)).AsSByte().GetLower();
        if (_clampBytes) ordered = Vector128.Min(Vector128.Max(ordered, _qmin), _qmax);
        ordered.Store(dst);
    }
}
