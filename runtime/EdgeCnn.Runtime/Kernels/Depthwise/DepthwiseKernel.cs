using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// A depthwise convolution kernel of the table. Every kernel handles any kernel size, stride, dilation
/// and padding: for each output pixel it lists the taps that fall inside the input (taps in the padding
/// contribute (zp - zp) * w = 0 in the reference, so skipping them is exact), then runs its channel
/// blocks over those taps; channels past the last whole block take the scalar path.
/// </summary>
internal abstract unsafe class DepthwiseKernel
{
    protected DepthwiseKernel(KernelInfo info) => Info = info;

    public KernelInfo Info { get; }

    public virtual PackedDepthwiseWeights Pack(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q) => new(weights, bias, multipliers, g, q);

    /// <summary>Computes output rows [rowBegin, rowEnd) of the N * OutH rows.</summary>
    public abstract void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd);

    public void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w) => Run(input, output, w, 0, w.OutputRows);

    /// <summary>
    /// Channel blocks that tasks may compute separately: a kernel that walks one channel block at a time
    /// over all rows lets threads split small feature maps (7x7, 14x14) by channels instead of by rows.
    /// 1 (the default): tasks split rows only.
    /// </summary>
    public virtual int ChannelBlocks(PackedDepthwiseWeights w) => 1;

    /// <summary>Output rows [rowBegin, rowEnd) of channel blocks [blockBegin, blockEnd) of <see cref="ChannelBlocks"/>.</summary>
    public virtual void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd, int blockBegin, int blockEnd)
    {
        if (blockBegin != 0 || blockEnd != 1)
            throw new ArgumentOutOfRangeException(nameof(blockBegin), $"{Info.Name} splits rows only, got channel blocks [{blockBegin}, {blockEnd})");
        Run(input, output, w, rowBegin, rowEnd);
    }

    /// <summary>
    /// Lists the valid taps of output pixel (n, oh, ow) as pointers: the input pixel each reads and the
    /// tap's int16 weights, both at channel 0. Returns the count. Pointers, not indices, so the inner
    /// loops need no multiply and few registers.
    /// </summary>
    protected static int ValidTaps(in ConvGeometry g, int n, int oh, int ow, sbyte* input, short* weights, int padded, sbyte** xs, short** ws)
    {
        int count = 0;
        for (int kh = 0; kh < g.KernelH; kh++)
        {
            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
            if ((uint)ih >= (uint)g.InH) continue;
            for (int kw = 0; kw < g.KernelW; kw++)
            {
                int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                if ((uint)iw >= (uint)g.InW) continue;
                xs[count] = input + (((nint)n * g.InH + ih) * g.InW + iw) * g.InC;
                ws[count] = weights + (nint)(kh * g.KernelW + kw) * padded;
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// The taps of output pixel ow given those of ow - 1 (<paramref name="count"/>, valid when ow &gt; 0):
    /// when both pixels' windows lie inside the input horizontally, every tap just moves StrideW pixels
    /// right, so the pointers are advanced instead of recomputed.
    /// </summary>
    protected static int NextTaps(in ConvGeometry g, int n, int oh, int ow, int count, sbyte* input, short* weights, int padded, sbyte** xs, short** ws)
    {
        int iw0 = ow * g.StrideW - g.PadLeft;
        bool inside = iw0 >= 0 && iw0 + (g.KernelW - 1) * g.DilationW < g.InW;
        bool previousInside = ow > 0 && iw0 - g.StrideW >= 0;
        if (inside && previousInside)
        {
            nint step = (nint)g.StrideW * g.InC;
            for (int t = 0; t < count; t++) xs[t] += step;
            return count;
        }
        return ValidTaps(g, n, oh, ow, input, weights, padded, xs, ws);
    }

    /// <summary>Channels [first, C) of one output pixel, one at a time, with the kernels' own rounding rule.</summary>
    protected static void ScalarChannels(sbyte* dst, PackedDepthwiseWeights w, int first, sbyte** xs, short** ws, int count)
    {
        int c = w.Geometry.OutC, zp = w.InZp;
        var q = w.Requantization;
        int* bias = w.Bias;
        float* multipliers = w.Multipliers;
        for (int ch = first; ch < c; ch++)
        {
            int acc = bias[ch];
            for (int t = 0; t < count; t++)
                acc += (xs[t][ch] - zp) * ws[t][ch];
            dst[ch] = q.Apply(acc, multipliers[ch]);
        }
    }
}
