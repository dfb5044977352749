using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// DwConv3x3_Int8_Neon_8c: 3x3 depthwise, dilation 1, horizontal stride 1 or 2 (any vertical stride and
/// padding), 8 channels per block. One output row and one block at a time, the nine int16 weight vectors
/// stay in registers while the kernel walks the row; each input column (3 rows x 8 channels) is loaded and
/// widened (SSUBL, x - zp) once and kept in registers for every horizontal tap that reads it: the next
/// pixel reuses 2 of the 3 columns at stride 1, 1 of 3 at stride 2. Per pixel and block that is 18 SMLAL
/// (4 MACs each) for 3 (stride 1) or 6 (stride 2) loads and SSUBL, against 9 + 9 (and the tap pointers)
/// in <see cref="DepthwiseNeon8c{TSimd}"/>, which still runs every other kernel shape.
/// <para>
/// Rows above or below the input read a valid row with zero weights (the product is 0, as the reference's
/// (zp - zp) * w); border columns take <see cref="BorderPixel"/>; channels past the last whole block the
/// scalar path.
/// </para>
/// </summary>
internal sealed unsafe class Depthwise3x3Neon8c<TSimd> : DepthwiseKernel where TSimd : struct, IArmSimd
{
    private readonly DepthwiseNeon8c<TSimd> _general;

    public Depthwise3x3Neon8c(KernelInfo info) : base(info) => _general = new DepthwiseNeon8c<TSimd>(info);

    public static bool Applies(in ConvGeometry g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.DilationH == 1 && g.DilationW == 1 && (g.StrideW == 1 || g.StrideW == 2);

    public override void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd)
    {
        var g = w.Geometry;
        if (!Applies(g))
        {
            _general.Run(input, output, w, rowBegin, rowEnd);
            return;
        }
        int c = g.OutC, blocks = c / 8;
        nint inRow = (nint)g.InW * c;
        // Output columns whose whole window lies inside the input: [interiorBegin, interiorEnd).
        int interiorBegin = Math.Min(g.OutW, (g.PadLeft + g.StrideW - 1) / g.StrideW);
        int interiorEnd = g.InW - 3 + g.PadLeft < 0 ? 0 : Math.Min(g.OutW, (g.InW - 3 + g.PadLeft) / g.StrideW + 1);
        interiorEnd = Math.Max(interiorBegin, interiorEnd);
        sbyte** xs = stackalloc sbyte*[9];
        short** ws = stackalloc short*[9];
        sbyte** rows = stackalloc sbyte*[3];
        for (int row = rowBegin; row < rowEnd; row++)
        {
            int n = row / g.OutH, oh = row - n * g.OutH;
            int top = oh * g.StrideH - g.PadTop;
            sbyte* image = input + (nint)n * g.InH * inRow;
            // A row outside the input reads the first valid one (or row 0) and gets zero weights.
            int valid = 0;
            sbyte* fallback = image;
            for (int kh = 2; kh >= 0; kh--)
                if ((uint)(top + kh) < (uint)g.InH) { valid |= 1 << kh; fallback = image + (top + kh) * inRow; }
            for (int kh = 0; kh < 3; kh++) rows[kh] = (valid & (1 << kh)) != 0 ? image + (top + kh) * inRow : fallback;
            sbyte* dst = output + (nint)row * g.OutW * c;
            for (int b = 0; b < blocks; b++)
            {
                int ch = 8 * b;
                for (int ow = 0; ow < interiorBegin; ow++) BorderPixel(g, w, rows, valid, ow, ch, dst);
                if (g.StrideW == 1) InteriorStride1(g, w, rows, valid, interiorBegin, interiorEnd, ch, dst);
                else InteriorStride2(g, w, rows, valid, interiorBegin, interiorEnd, ch, dst);
                for (int ow = interiorEnd; ow < g.OutW; ow++) BorderPixel(g, w, rows, valid, ow, ch, dst);
            }
            if (8 * blocks < c)
            {
                int count = 0;
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    count = NextTaps(g, n, oh, ow, count, input, w.Weights, w.PaddedChannels, xs, ws);
                    ScalarChannels(dst + (nint)ow * c, w, 8 * blocks, xs, ws, count);
                }
            }
        }
    }

    /// <summary>Tap (kh, kw)'s weights for channels [ch, ch + 8), or zero when input row kh is outside the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Weight(PackedDepthwiseWeights w, int valid, int kh, int kw, int ch) =>
        (valid & (1 << kh)) != 0 ? Vector128.Load(w.Weights + (nint)(3 * kh + kw) * w.PaddedChannels + ch) : Vector128<short>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Widen(sbyte* p, Vector64<sbyte> zp) => TSimd.SubtractWideningLower(Vector64.Load(p), zp);

    /// <summary>acc += x * w over 8 int16 lanes: SMLAL (lanes 0-3) and SMLAL2 (lanes 4-7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mla(ref Vector128<int> acc0, ref Vector128<int> acc1, Vector128<short> x, Vector128<short> wt)
    {
        acc0 = TSimd.MultiplyWideningLowerAndAdd(acc0, x.GetLower(), wt.GetLower());
        acc1 = TSimd.MultiplyWideningUpperAndAdd(acc1, x, wt);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<int> acc0, Vector128<int> acc1, Vector128<float> m0, Vector128<float> m1,
        Vector128<float> lo, Vector128<float> hi, Vector128<int> magic, sbyte* dst)
    {
        var r0 = Requantization.Apply(acc0, m0, lo, hi, magic);
        var r1 = Requantization.Apply(acc1, m1, lo, hi, magic);
        var s = Vector128.Narrow(r0, r1);
        *(long*)dst = Vector128.Narrow(s, s).AsInt64().ToScalar();
    }

    /// <summary>Interior pixels [begin, end) at stride 1: per pixel one new column; the other two are the previous pixel's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InteriorStride1(in ConvGeometry g, PackedDepthwiseWeights w, sbyte** rows, int valid, int begin, int end, int ch, sbyte* dst)
    {
        if (begin >= end) return;
        int c = g.OutC;
        var w00 = Weight(w, valid, 0, 0, ch); var w01 = Weight(w, valid, 0, 1, ch); var w02 = Weight(w, valid, 0, 2, ch);
        var w10 = Weight(w, valid, 1, 0, ch); var w11 = Weight(w, valid, 1, 1, ch); var w12 = Weight(w, valid, 1, 2, ch);
        var w20 = Weight(w, valid, 2, 0, ch); var w21 = Weight(w, valid, 2, 1, ch); var w22 = Weight(w, valid, 2, 2, ch);
        var bias0 = Vector128.Load(w.Bias + ch);
        var bias1 = Vector128.Load(w.Bias + ch + 4);
        var m0 = Vector128.Load(w.Multipliers + ch);
        var m1 = Vector128.Load(w.Multipliers + ch + 4);
        var q = w.Requantization;
        var lo = Vector128.Create(q.Lo);
        var hi = Vector128.Create(q.Hi);
        var magic = Vector128.Create(q.MagicMinusZp);
        var zp = Vector64.Create((sbyte)w.InZp);
        nint left = (nint)(begin - g.PadLeft) * c + ch;
        sbyte* p0 = rows[0] + left, p1 = rows[1] + left, p2 = rows[2] + left;
        // Columns a (tap kw = 0) and b (kw = 1) of the first pixel; each pixel loads column c (kw = 2).
        Vector128<short> a0 = Widen(p0, zp), a1 = Widen(p1, zp), a2 = Widen(p2, zp);
        Vector128<short> b0 = Widen(p0 + c, zp), b1 = Widen(p1 + c, zp), b2 = Widen(p2 + c, zp);
        p0 += 2 * c; p1 += 2 * c; p2 += 2 * c;
        sbyte* d = dst + (nint)begin * c + ch;
        for (int ow = begin; ow < end; ow++)
        {
            Vector128<short> c0 = Widen(p0, zp), c1 = Widen(p1, zp), c2 = Widen(p2, zp);
            Vector128<int> acc0 = bias0, acc1 = bias1;
            Mla(ref acc0, ref acc1, a0, w00); Mla(ref acc0, ref acc1, b0, w01); Mla(ref acc0, ref acc1, c0, w02);
            Mla(ref acc0, ref acc1, a1, w10); Mla(ref acc0, ref acc1, b1, w11); Mla(ref acc0, ref acc1, c1, w12);
            Mla(ref acc0, ref acc1, a2, w20); Mla(ref acc0, ref acc1, b2, w21); Mla(ref acc0, ref acc1, c2, w22);
            Store(acc0, acc1, m0, m1, lo, hi, magic, d);
            a0 = b0; a1 = b1; a2 = b2;
            b0 = c0; b1 = c1; b2 = c2;
            p0 += c; p1 += c; p2 += c;
            d += c;
        }
    }

    /// <summary>Interior pixels [begin, end) at stride 2: per pixel two new columns; the first is the previous pixel's last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InteriorStride2(in ConvGeometry g, PackedDepthwiseWeights w, sbyte** rows, int valid, int begin, int end, int ch, sbyte* dst)
    {
        if (begin >= end) return;
        int c = g.OutC;
        var w00 = Weight(w, valid, 0, 0, ch); var w01 = Weight(w, valid, 0, 1, ch); var w02 = Weight(w, valid, 0, 2, ch);
        var w10 = Weight(w, valid, 1, 0, ch); var w11 = Weight(w, valid, 1, 1, ch); var w12 = Weight(w, valid, 1, 2, ch);
        var w20 = Weight(w, valid, 2, 0, ch); var w21 = Weight(w, valid, 2, 1, ch); var w22 = Weight(w, valid, 2, 2, ch);
        var bias0 = Vector128.Load(w.Bias + ch);
        var bias1 = Vector128.Load(w.Bias + ch + 4);
        var m0 = Vector128.Load(w.Multipliers + ch);
        var m1 = Vector128.Load(w.Multipliers + ch + 4);
        var q = w.Requantization;
        var lo = Vector128.Create(q.Lo);
        var hi = Vector128.Create(q.Hi);
        var magic = Vector128.Create(q.MagicMinusZp);
        var zp = Vector64.Create((sbyte)w.InZp);
        nint left = (nint)(2 * begin - g.PadLeft) * c + ch;
        sbyte* p0 = rows[0] + left, p1 = rows[1] + left, p2 = rows[2] + left;
        Vector128<short> a0 = Widen(p0, zp), a1 = Widen(p1, zp), a2 = Widen(p2, zp);
        sbyte* d = dst + (nint)begin * c + ch;
        for (int ow = begin; ow < end; ow++)
        {
            Vector128<short> b0 = Widen(p0 + c, zp), b1 = Widen(p1 + c, zp), b2 = Widen(p2 + c, zp);
            Vector128<short> c0 = Widen(p0 + 2 * c, zp), c1 = Widen(p1 + 2 * c, zp), c2 = Widen(p2 + 2 * c, zp);
            Vector128<int> acc0 = bias0, acc1 = bias1;
            Mla(ref acc0, ref acc1, a0, w00); Mla(ref acc0, ref acc1, b0, w01); Mla(ref acc0, ref acc1, c0, w02);
            Mla(ref acc0, ref acc1, a1, w10); Mla(ref acc0, ref acc1, b1, w11); Mla(ref acc0, ref acc1, c1, w12);
            Mla(ref acc0, ref acc1, a2, w20); Mla(ref acc0, ref acc1, b2, w21); Mla(ref acc0, ref acc1, c2, w22);
            Store(acc0, acc1, m0, m1, lo, hi, magic, d);
            a0 = c0; a1 = c1; a2 = c2;
            p0 += 2 * c; p1 += 2 * c; p2 += 2 * c;
            d += c;
        }
    }

    /// <summary>One pixel whose window crosses the left or right edge: only the columns inside the input are read.</summary>
    private static void BorderPixel(in ConvGeometry g, PackedDepthwiseWeights w, sbyte** rows, int valid, int ow, int ch, sbyte* dst)
    {
        int c = g.OutC, left = ow * g.StrideW - g.PadLeft;
        var zp = Vector64.Create((sbyte)w.InZp);
        var acc0 = Vector128.Load(w.Bias + ch);
        var acc1 = Vector128.Load(w.Bias + ch + 4);
        for (int kw = 0; kw < 3; kw++)
        {
            int iw = left + kw;
            if ((uint)iw >= (uint)g.InW) continue;
            for (int kh = 0; kh < 3; kh++)
            {
                if ((valid & (1 << kh)) == 0) continue;
                Mla(ref acc0, ref acc1, Widen(rows[kh] + (nint)iw * c + ch, zp), Weight(w, valid, kh, kw, ch));
            }
        }
        var q = w.Requantization;
        Store(acc0, acc1, Vector128.Load(w.Multipliers + ch), Vector128.Load(w.Multipliers + ch + 4),
            Vector128.Create(q.Lo), Vector128.Create(q.Hi), Vector128.Create(q.MagicMinusZp), dst + (nint)ow * c + ch);
    }
}
