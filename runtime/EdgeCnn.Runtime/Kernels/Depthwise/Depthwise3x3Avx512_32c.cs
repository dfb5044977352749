using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// DwConv3x3_Int8_Avx512BW_32c: 3x3 depthwise (any stride and padding, dilation 1) by channel blocks of
/// 32. For each block the ten interleaved weight-pair vectors stay in registers while the kernel walks
/// the output rows; the input rows come from a <see cref="WidenedRowRing"/> (widened to int16 once per
/// input row, padded with the zero point, so there are no border cases). Per output pixel the nine taps
/// are interleaved in pairs (vpunpcklwd / vpunpckhwd) and multiplied by the weight pairs with vpmaddwd,
/// two products per int32 lane (exact: |x * w| &lt;= 128 * 128, two of them fit). Other kernel shapes,
/// and rows too wide for the stack scratch, run DwConv_Int8_Avx512BW_32c.
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class Depthwise3x3Avx512_32c : DepthwiseKernel
{
    private const int Width = 32;
    /// <summary>Largest ring kept on the stack (about 500 input columns at stride 1).</summary>
    private const int MaxScratchBytes = 128 * 1024;
    private readonly DepthwiseAvx512_32c _generic;

    public Depthwise3x3Avx512_32c(KernelInfo info) : base(info) => _generic = new DepthwiseAvx512_32c(info);

    private static bool Applies(in ConvGeometry g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.DilationH == 1 && g.DilationW == 1 && WidenedRowRing.ScratchBytes(g, Width) <= MaxScratchBytes;

    public override PackedDepthwiseWeights Pack(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q)
    {
        var packed = base.Pack(weights, bias, multipliers, g, q);
        if (Applies(g)) packed.Interleaved3x3 = new Interleaved3x3Weights(weights, bias, multipliers, g.OutC, q.InZp, Width);
        return packed;
    }

    public override int ChannelBlocks(PackedDepthwiseWeights w) => w.Interleaved3x3 is { Width: Width } fast ? fast.Blocks : 1;

    public override void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd) =>
        Run(input, output, w, rowBegin, rowEnd, 0, ChannelBlocks(w));

    public override void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd, int blockBegin, int blockEnd)
    {
        var fast = w.Interleaved3x3;
        if (fast is null || fast.Width != Width)
        {
            // Not a 3x3 layer this kernel packed: one channel block, the generic kernel.
            _generic.Run(input, output, w, rowBegin, rowEnd, blockBegin, blockEnd);
            return;
        }
        if (blockBegin < 0 || blockEnd > fast.Blocks || blockBegin > blockEnd)
            throw new ArgumentOutOfRangeException(nameof(blockBegin), $"channel blocks [{blockBegin}, {blockEnd}) outside [0, {fast.Blocks})");
        var g = w.Geometry;
        byte* scratch = stackalloc byte[(int)WidenedRowRing.ScratchBytes(g, Width)];
        var ring = new WidenedRowRing(input, g, w.InZp, Width, scratch);
        int c = g.OutC;
        for (int b = blockBegin; b < blockEnd; b++)
        {
            ring.Select(b);
            int channels = Math.Min(Width, c - Width * b);
            for (int row = rowBegin; row < rowEnd; row++)
            {
                int n = row / g.OutH, oh = row - n * g.OutH;
                int top = oh * g.StrideH - g.PadTop;
                short* r0 = ring.Row(n, top), r1 = ring.Row(n, top + 1), r2 = ring.Row(n, top + 2);
                sbyte* dst = output + (nint)row * g.OutW * c + Width * b;
                RowBlock(r0, r1, r2, g.OutW, g.StrideW * Width, fast.PairWeights(b), fast.Bias(b), fast.Multipliers(b),
                    w.Requantization, dst, c, channels);
            }
        }
    }

    /// <summary>
    /// One output row of one 32-channel block. r0..r2 are the window's three widened rows at column 0;
    /// each output pixel moves them <paramref name="step"/> int16 to the right. A leaf: no calls, so the
    /// weights and constants stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock(short* r0, short* r1, short* r2, int outW, int step, short* wp, int* bias, float* m,
        Requantization q, sbyte* dst, int dstStride, int channels)
    {
        Vector512<short> w0l = Vector512.Load(wp), w0h = Vector512.Load(wp + 32), w1l = Vector512.Load(wp + 64), w1h = Vector512.Load(wp + 96);
        Vector512<short> w2l = Vector512.Load(wp + 128), w2h = Vector512.Load(wp + 160), w3l = Vector512.Load(wp + 192), w3h = Vector512.Load(wp + 224);
        Vector512<short> w4l = Vector512.Load(wp + 256), w4h = Vector512.Load(wp + 288);
        Vector512<int> biasLo = Vector512.Load(bias), biasHi = Vector512.Load(bias + 16);
        Vector512<float> mLo = Vector512.Load(m), mHi = Vector512.Load(m + 16);
        var lo = Vector512.Create(q.Lo);
        var hi = Vector512.Create(q.Hi);
        var magic = Vector512.Create(q.MagicMinusZp);
        var zero = Vector512<short>.Zero;
        for (int ow = 0; ow < outW; ow++)
        {
            Vector512<short> x0 = Vector512.Load(r0), x1 = Vector512.Load(r0 + 32), x2 = Vector512.Load(r0 + 64);
            Vector512<short> x3 = Vector512.Load(r1), x4 = Vector512.Load(r1 + 32), x5 = Vector512.Load(r1 + 64);
            Vector512<short> x6 = Vector512.Load(r2), x7 = Vector512.Load(r2 + 32), x8 = Vector512.Load(r2 + 64);
            var accLo = biasLo + Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x0, x1), w0l);
            var accHi = biasHi + Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x0, x1), w0h);
            accLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x2, x3), w1l);
            accHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x2, x3), w1h);
            accLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x4, x5), w2l);
            accHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x4, x5), w2h);
            accLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x6, x7), w3l);
            accHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x6, x7), w3h);
            accLo += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackLow(x8, zero), w4l);
            accHi += Avx512BW.MultiplyAddAdjacent(Avx512BW.UnpackHigh(x8, zero), w4h);
            var rLo = Requantization.Apply(accLo, mLo, lo, hi, magic);
            var rHi = Requantization.Apply(accHi, mHi, lo, hi, magic);
            // vpackssdw works per 128-bit lane: [ch 8L..8L+3 from rLo, 8L+4..8L+7 from rHi] is channel order.
            var bytes = Avx512BW.ConvertToVector256SByte(Avx512BW.PackSignedSaturate(rLo, rHi));
            if (channels == Width) bytes.Store(dst);
            else if (channels == 16) bytes.GetLower().Store(dst);
            else for (int ch = 0; ch < channels; ch++) dst[ch] = bytes.GetElement(ch);
            r0 += step;
            r1 += step;
            r2 += step;
            dst += dstStride;
        }
    }
}
