using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// DwConv3x3_Int8_Neon_8c: 3x3 depthwise, dilation 1, horizontal stride 1 or 2 (any vertical stride and
/// padding), 8 channels per block. One output row and one block at a time, the nine taps' int16 weights
/// stay in registers while the kernel walks the row (the general <see cref="DepthwiseNeon8c{TSimd}"/>
/// reloads them and the tap pointers for every pixel): per pixel and block 9 loads and SSUBL, 18 SMLAL
/// (4 MACs each) and the 13-instruction <see cref="NeonRequantization{TSimd}"/> output stage.
/// <para>
/// Rows above or below the input read a valid row with zero weights (the product is 0, as the reference's
/// (zp - zp) * w); border columns take <see cref="BorderPixels"/>; channels past the last whole block the
/// scalar path; other kernel shapes the general kernel.
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
                BorderPixels(g, w, rows, valid, 0, interiorBegin, ch, dst);
                Interior(g, w, rows, valid, interiorBegin, interiorEnd, ch, dst);
                BorderPixels(g, w, rows, valid, interiorEnd, g.OutW, ch, dst);
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


    /// <summary>
    /// Interior pixels [begin, end): all nine taps' inputs inside the input. The weights stay in registers
    /// twice over, as int16x8 for SMLAL2 (channels 4-7) and as their low halves for SMLAL (channels 0-3):
    /// taking the low half of a register that stays live costs a copy per use in the JIT's code, 18 per
    /// pixel, more than loading and widening each pixel's 9 input vectors afresh (9 + 9), which also frees
    /// the registers the carried columns would need.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Interior(in ConvGeometry g, PackedDepthwiseWeights w, sbyte** rows, int valid, int begin, int end, int ch, sbyte* dst)
    {
        if (begin >= end) return;
        int c = g.OutC;
        var w00 = Weight(w, valid, 0, 0, ch); var w01 = Weight(w, valid, 0, 1, ch); var w02 = Weight(w, valid, 0, 2, ch);
        var w10 = Weight(w, valid, 1, 0, ch); var w11 = Weight(w, valid, 1, 1, ch); var w12 = Weight(w, valid, 1, 2, ch);
        var w20 = Weight(w, valid, 2, 0, ch); var w21 = Weight(w, valid, 2, 1, ch); var w22 = Weight(w, valid, 2, 2, ch);
        Vector64<short> l00 = w00.GetLower(), l01 = w01.GetLower(), l02 = w02.GetLower();
        Vector64<short> l10 = w10.GetLower(), l11 = w11.GetLower(), l12 = w12.GetLower();
        Vector64<short> l20 = w20.GetLower(), l21 = w21.GetLower(), l22 = w22.GetLower();
        var bias0 = Vector128.Load(w.Bias + ch);
        var bias1 = Vector128.Load(w.Bias + ch + 4);
        var m0 = Vector128.Load(w.Multipliers + ch);
        var m1 = Vector128.Load(w.Multipliers + ch + 4);
        var requantize = new NeonRequantization<TSimd>(w.Requantization);
        var zp = Vector64.Create((sbyte)w.InZp);
        nint step = (nint)g.StrideW * c;
        nint left = (nint)(begin * g.StrideW - g.PadLeft) * c + ch;
        sbyte* p0 = rows[0] + left, p1 = rows[1] + left, p2 = rows[2] + left;
        sbyte* d = dst + (nint)begin * c + ch;
        for (int ow = begin; ow < end; ow++)
        {
            Vector128<int> acc0 = bias0, acc1 = bias1;
            Tap(ref acc0, ref acc1, Widen(p0, zp), w00, l00);
            Tap(ref acc0, ref acc1, Widen(p0 + c, zp), w01, l01);
            Tap(ref acc0, ref acc1, Widen(p0 + 2 * c, zp), w02, l02);
            Tap(ref acc0, ref acc1, Widen(p1, zp), w10, l10);
            Tap(ref acc0, ref acc1, Widen(p1 + c, zp), w11, l11);
            Tap(ref acc0, ref acc1, Widen(p1 + 2 * c, zp), w12, l12);
            Tap(ref acc0, ref acc1, Widen(p2, zp), w20, l20);
            Tap(ref acc0, ref acc1, Widen(p2 + c, zp), w21, l21);
            Tap(ref acc0, ref acc1, Widen(p2 + 2 * c, zp), w22, l22);
            requantize.Apply(acc0, acc1, m0, m1).Store(d);
            p0 += step; p1 += step; p2 += step;
            d += c;
        }
    }

    /// <summary>SMLAL2 first, so that SMLAL is the last use of the widened input and takes its low half in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(ref Vector128<int> acc0, ref Vector128<int> acc1, Vector128<short> x, Vector128<short> wt, Vector64<short> wtLow)
    {
        acc1 = TSimd.MultiplyWideningUpperAndAdd(acc1, x, wt);
        acc0 = TSimd.MultiplyWideningLowerAndAdd(acc0, x.GetLower(), wtLow);
    }

    /// <summary>
    /// Pixels [begin, end) whose windows cross the left or right edge. Branch-free over the 9 taps: a column
    /// outside the input reads column 0 instead, and a tap outside (its row or its column) gets its weights
    /// masked to 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BorderPixels(in ConvGeometry g, PackedDepthwiseWeights w, sbyte** rows, int valid, int begin, int end, int ch, sbyte* dst)
    {
        if (begin >= end) return;
        int c = g.OutC;
        nint taps = w.PaddedChannels;
        var zp = Vector64.Create((sbyte)w.InZp);
        var bias0 = Vector128.Load(w.Bias + ch);
        var bias1 = Vector128.Load(w.Bias + ch + 4);
        var m0 = Vector128.Load(w.Multipliers + ch);
        var m1 = Vector128.Load(w.Multipliers + ch + 4);
        var requantize = new NeonRequantization<TSimd>(w.Requantization);
        // All-ones for an input row inside the input, zero outside.
        var row0 = Vector128.Create((short)-(valid & 1));
        var row1 = Vector128.Create((short)-((valid >> 1) & 1));
        var row2 = Vector128.Create((short)-((valid >> 2) & 1));
        sbyte* r0 = rows[0] + ch, r1 = rows[1] + ch, r2 = rows[2] + ch;
        for (int ow = begin; ow < end; ow++)
        {
            int left = ow * g.StrideW - g.PadLeft;
            short* wp = w.Weights + ch;
            Vector128<int> acc0 = bias0, acc1 = bias1;
            for (int kw = 0; kw < 3; kw++, wp += taps)
            {
                int iw = left + kw;
                bool inside = (uint)iw < (uint)g.InW;
                nint offset = inside ? (nint)iw * c : 0;
                var column = Vector128.Create((short)(inside ? -1 : 0));
                Mla(ref acc0, ref acc1, Widen(r0 + offset, zp), Vector128.Load(wp) & row0 & column);
                Mla(ref acc0, ref acc1, Widen(r1 + offset, zp), Vector128.Load(wp + 3 * taps) & row1 & column);
                Mla(ref acc0, ref acc1, Widen(r2 + offset, zp), Vector128.Load(wp + 6 * taps) & row2 & column);
            }
            requantize.Apply(acc0, acc1, m0, m1).Store(dst + (nint)ow * c + ch);
        }
    }
}
