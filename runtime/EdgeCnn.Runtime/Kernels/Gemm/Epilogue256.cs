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
    private readonly Vector256<sbyte> _qmin, _qmax;
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
        _zp = Vector256.Create((short)q.OutZp);
        _qmin = Vector256.Create((sbyte)q.QMin);
        _qmax = Vector256.Create((sbyte)q.QMax);
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
        if (_clampBytes) ordered = Vector128.Min(Vector128.Max(ordered, _qmin.GetLower()), _qmax.GetLower());
        ordered.Store(dst);
    }

    /// <summary>
    /// Two rows of a tile packed with <see cref="GemmLayout.SwapMiddleQuads"/>: acc0 holds channels
    /// [0-3 | 8-11], acc1 [4-7 | 12-15] (multipliers in the same order). One pack per row to int16 gives
    /// [0-7 | 8-15], one pack of both rows to int8 [row 0: 0-7, row 1: 0-7 | row 0: 8-15, row 1: 8-15],
    /// one qword permute puts each row in one half: per row 2 instructions fewer than <see cref="Store"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StorePair(Vector256<int> row0Acc0, Vector256<int> row0Acc1, Vector256<int> row1Acc0, Vector256<int> row1Acc1, sbyte* dst0, sbyte* dst1)
    {
        var s0 = Avx2.AddSaturate(Avx2.PackSignedSaturate(Convert(row0Acc0, _m0), Convert(row0Acc1, _m1)), _zp);
        var s1 = Avx2.AddSaturate(Avx2.PackSignedSaturate(Convert(row1Acc0, _m0), Convert(row1Acc1, _m1)), _zp);
        var b = Avx2.Permute4x64(Avx2.PackSignedSaturate(s0, s1).AsInt64(), 0b11_01_10_00).AsSByte();
        if (_clampBytes) b = Vector256.Min(Vector256.Max(b, _qmin), _qmax);
        b.GetLower().Store(dst0);
        b.GetUpper().Store(dst1);
    }

    /// <summary>(float)acc * m, clamped above when the layer needs it, converted with rounding half to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<int> Convert(Vector256<int> acc, Vector256<float> m)
    {
        var v = Avx.ConvertToVector256Single(acc) * m;
        if (_clampHigh) v = Avx.Min(v, _hi);
        return Avx.ConvertToVector256Int32(v);
    }
}
