using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>Conv (packed GEMM, or per-channel vector loops for depthwise) and ConvTranspose (grouped, strided, dilated, padded) in float.</summary>
internal static class ConvKernels
{
    public static Tensor Conv(OpContext ctx)
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var (n, c, h, wIn, rank) = SpatialGeometry.Dims(ctx, x);
        if (w.Rank != x.Rank) throw ctx.Fail($"weight shape {ShapeMath.Format(w.Shape)} does not match input rank {x.Rank}");
        int group = (int)ctx.Node.GetInt("group", 1);
        int m = w.Shape[0], cPerGroup = w.Shape[1];
        int kh = rank == 1 ? 1 : w.Shape[2], kw = w.Shape[^1];
        if (group < 1 || c % group != 0 || m % group != 0 || cPerGroup != c / group)
            throw ctx.Fail($"input channels {c}, weight {ShapeMath.Format(w.Shape)} and group {group} do not agree");
        var g = SpatialGeometry.Resolve(ctx, rank, h, wIn, kh, kw, ceilMode: false);
        var bias = ctx.OptionalInput(2)?.AsFloats();
        if (bias is not null && bias.Length != m) throw ctx.Fail($"bias has {bias.Length} values, expected {m}");

        var xs = x.AsFloats();
        var ws = w.AsFloats();
        int oh = g.OutH, ow = g.OutW, plane = oh * ow;
        var y = ctx.UninitializedFloats(ShapeMath.Product([n, m, oh, ow])); // both paths write every output
        int mPerGroup = m / group;
        if (cPerGroup > 1 || mPerGroup > 1)
        {
            // Dense and grouped convolutions: a packed FMA GEMM per group (almost all of a CNN's work).
            int k = cPerGroup * kh * kw, groupPlane = cPerGroup * h * wIn, packedLength = ConvGemm.PackedLength(mPerGroup, k);
            // Integer weights are converted afresh on every call: only float arrays are worth caching.
            var packed = w.Floats is not null && ctx.PackedWeights is { } cache ? cache.Get(ws, group, mPerGroup, k)
                : ConvGemm.PackAllGroups(ws, group, mPerGroup, k);
            for (int b = 0; b < n; b++)
            for (int grp = 0; grp < group; grp++)
                ConvGemm.RunPacked(xs.AsSpan((b * group + grp) * groupPlane, groupPlane), cPerGroup, h, wIn,
                    packed.AsSpan(grp * packedLength, packedLength), bias is null ? default : bias.AsSpan(grp * mPerGroup, mPerGroup),
                    mPerGroup, g, y.AsSpan((b * m + grp * mPerGroup) * plane, mPerGroup * plane), ctx.Node.Activation);
            ctx.ActivationApplied = true;
            return new Tensor(SpatialGeometry.OutputShape(n, m, oh, ow, rank), y);
        }
        // Depthwise: one input and one output channel per group.
        for (int b = 0; b < n; b++)
            DepthwiseConv.Run(xs.AsSpan(b * c * h * wIn, c * h * wIn), c, h, wIn, ws, bias, g, y.AsSpan(b * m * plane, m * plane),
                ctx.Node.Activation);
        ctx.ActivationApplied = true;
        return new Tensor(SpatialGeometry.OutputShape(n, m, oh, ow, rank), y);
    }

    /// <summary>
    /// ConvTranspose: every input pixel scatters its kernel-weighted value into the output. Output size
    /// from output_shape when given (pads derived from it), else stride*(in-1) + output_padding +
    /// (k-1)*dilation + 1 - pads; auto_pad SAME makes the output in*stride.
    /// </summary>
    public static Tensor ConvTranspose(OpContext ctx)
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var node = ctx.Node;
        var (n, c, h, wIn, rank) = SpatialGeometry.Dims(ctx, x);
        int group = (int)node.GetInt("group", 1);
        if (w.Rank != x.Rank || w.Shape[0] != c || group < 1 || c % group != 0)
            throw ctx.Fail($"weight shape {ShapeMath.Format(w.Shape)}, input channels {c} and group {group} do not agree");
        int mPerGroup = w.Shape[1], m = mPerGroup * group, cPerGroup = c / group;
        int kh = rank == 1 ? 1 : w.Shape[2], kw = w.Shape[^1];
        int[] strides = Spatial(ctx, node.GetInts("strides"), rank, 1);
        int[] dilations = Spatial(ctx, node.GetInts("dilations"), rank, 1);
        int[] outputPadding = Spatial(ctx, node.GetInts("output_padding"), rank, 0);
        int[] inSize = [h, wIn], k = [kh, kw];
        int[] padBegin = new int[2], padEnd = new int[2], outSize = new int[2];
        var pads = node.GetInts("pads");
        if (pads is { Length: > 0 })
        {
            if (pads.Length != 2 * rank) throw ctx.Fail($"pads has {pads.Length} values, expected {2 * rank}");
            foreach (var p in pads)
                if (p < 0 || p > SpatialGeometry.MaxPad) throw ctx.Fail($"pads value {p} is outside 0..{SpatialGeometry.MaxPad}");
            for (int i = 0; i < rank; i++)
            {
                padBegin[2 - rank + i] = (int)pads[i];
                padEnd[2 - rank + i] = (int)pads[rank + i];
            }
        }
        string autoPad = node.GetString("auto_pad", "NOTSET");
        var outputShape = node.GetInts("output_shape");
        for (int i = 0; i < 2; i++)
        {
            int full = checked(strides[i] * (inSize[i] - 1) + outputPadding[i] + (k[i] - 1) * dilations[i] + 1);
            if (outputShape is { Length: > 0 } || autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                int target;
                if (outputShape is { Length: > 0 })
                {
                    if (outputShape.Length != rank && outputShape.Length != rank + 2)
                        throw ctx.Fail($"output_shape has {outputShape.Length} values, expected {rank}");
                    var spatial = outputShape[^rank..];
                    long wanted = i < 2 - rank ? 1 : spatial[i - (2 - rank)];
                    if (wanted < 1 || wanted > ShapeMath.MaxElements) throw ctx.Fail($"output_shape value {wanted} is invalid");
                    target = (int)wanted;
                }
                else target = inSize[i] * strides[i];
                // A negative total (output_shape larger than the natural size) pads the end with
                // zeros: ONNX splits it with floor division, as its reference does.
                int total = full - target;
                int half = (int)Math.Floor(total / 2.0);
                if (autoPad == "SAME_UPPER") { padBegin[i] = half; padEnd[i] = total - half; }
                else { padBegin[i] = total - half; padEnd[i] = half; }
                outSize[i] = target;
            }
            else outSize[i] = full - padBegin[i] - padEnd[i];
            if (outSize[i] <= 0) throw ctx.Fail($"output size {outSize[i]} is not positive");
        }
        if (rank == 1) { padBegin[0] = 0; outSize[0] = 1; }
        var bias = ctx.OptionalInput(2)?.AsFloats();
        if (bias is not null && bias.Length != m) throw ctx.Fail($"bias has {bias.Length} values, expected {m}");

        var xs = x.AsFloats();
        var ws = w.AsFloats();
        int oh = outSize[0], ow = outSize[1], plane = oh * ow;
        var y = new float[ShapeMath.Product([n, m, oh, ow])];
        for (int b = 0; b < n; b++)
        {
            for (int oc = 0; oc < m; oc++)
            {
                float bv = bias?[oc] ?? 0f;
                int outBase = (b * m + oc) * plane;
                for (int i = 0; i < plane; i++) y[outBase + i] = bv;
            }
            for (int ic = 0; ic < c; ic++)
            {
                int grp = ic / cPerGroup;
                int inBase = (b * c + ic) * h * wIn;
                for (int ocg = 0; ocg < mPerGroup; ocg++)
                {
                    int oc = grp * mPerGroup + ocg;
                    int outBase = (b * m + oc) * plane;
                    for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        float wv = ws[((ic * mPerGroup + ocg) * kh + ky) * kw + kx];
                        for (int iy = 0; iy < h; iy++)
                        {
                            int oy = iy * strides[0] - padBegin[0] + ky * dilations[0];
                            if ((uint)oy >= (uint)oh) continue;
                            for (int ix = 0; ix < wIn; ix++)
                            {
                                int ox = ix * strides[1] - padBegin[1] + kx * dilations[1];
                                if ((uint)ox < (uint)ow) y[outBase + oy * ow + ox] += wv * xs[inBase + iy * wIn + ix];
                            }
                        }
                    }
                }
            }
        }
        return new Tensor(SpatialGeometry.OutputShape(n, m, oh, ow, rank), y);
    }

    private static int[] Spatial(OpContext ctx, long[]? values, int rank, int fallback)
    {
        if (values is null || values.Length == 0) return [fallback, fallback];
        if (values.Length != rank) throw ctx.Fail($"expected {rank} values per spatial attribute, got {values.Length}");
        foreach (var v in values)
            if (v < 0 || v > SpatialGeometry.MaxPad) throw ctx.Fail($"attribute value {v} is outside 0..{SpatialGeometry.MaxPad}");
        return rank == 1 ? [fallback, (int)values[0]] : [(int)values[0], (int)values[1]];
    }
}
