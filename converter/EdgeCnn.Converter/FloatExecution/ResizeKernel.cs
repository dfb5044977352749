using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// Resize (opsets 10 to 19+) and Upsample. Interpolation is separable: for every resized axis each
/// output index gets a list of (input index, weight) taps, and the axes are applied one after the other,
/// innermost first, which is the order ONNX's own definition evaluates them in. Taps follow ONNX:
/// the n input positions nearest to the mapped coordinate, out-of-range positions reading the edge.
/// Modes nearest (four rounding rules), linear and cubic, with antialias, exclude_outside, every
/// coordinate_transformation_mode and keep_aspect_ratio_policy.
/// </summary>
internal static class ResizeKernel
{
    private sealed record AxisTaps(int[][] Index, float[][] Weight, bool[] Extrapolate);

    public static Tensor Resize(OpContext ctx)
    {
        var x = ctx.Input(0);
        var node = ctx.Node;
        int rank = x.Rank;
        string mode = node.GetString("mode", "nearest");
        string transform = ctx.Opset < 11 ? "asymmetric" : node.GetString("coordinate_transformation_mode", "half_pixel");
        string nearestMode = ctx.Opset < 11 ? "floor" : node.GetString("nearest_mode", "round_prefer_floor");
        if (ctx.Opset < 11) return Interpolate(ctx, x, ScalesOf(ctx, ctx.Floats(1), rank), null, mode, transform, nearestMode, null);

        float[]? roi = ctx.OptionalInput(1) is { Length: > 0 } r ? r.AsFloats() : null;
        float[]? scalesIn = ctx.OptionalInput(2) is { Length: > 0 } s ? s.AsFloats() : null;
        long[]? sizesIn = ctx.OptionalInput(3) is { Length: > 0 } z ? z.AsInt64s() : null;
        var axesAttr = node.GetInts("axes");
        int[] axes = axesAttr is { Length: > 0 } ? axesAttr.Select(a => ctx.Axis(a, rank)).ToArray() : Enumerable.Range(0, rank).ToArray();
        var scales = Enumerable.Repeat(1f, rank).ToArray();
        var sizes = (int[])x.Shape.Clone();
        if (scalesIn is not null && sizesIn is not null) throw ctx.Fail("has both scales and sizes; only one may be given");
        if (scalesIn is not null)
        {
            if (scalesIn.Length != axes.Length) throw ctx.Fail($"scales has {scalesIn.Length} values for {axes.Length} axes");
            for (int i = 0; i < axes.Length; i++)
            {
                if (!(scalesIn[i] > 0)) throw ctx.Fail($"scale {scalesIn[i]} is not positive");
                scales[axes[i]] = scalesIn[i];
                sizes[axes[i]] = (int)MathF.Floor(x.Shape[axes[i]] * scalesIn[i]);
            }
        }
        else if (sizesIn is not null)
        {
            if (sizesIn.Length != axes.Length) throw ctx.Fail($"sizes has {sizesIn.Length} values for {axes.Length} axes");
            string policy = node.GetString("keep_aspect_ratio_policy", "stretch");
            if (policy == "stretch")
            {
                for (int i = 0; i < axes.Length; i++)
                {
                    sizes[axes[i]] = sizesIn[i] is >= 0 and <= ShapeMath.MaxElements ? (int)sizesIn[i] : throw ctx.Fail($"size {sizesIn[i]} is invalid");
                    scales[axes[i]] = (float)sizesIn[i] / x.Shape[axes[i]];
                }
            }
            else
            {
                float scale = policy switch
                {
                    "not_larger" => axes.Select((a, i) => (float)sizesIn[i] / x.Shape[a]).Min(),
                    "not_smaller" => axes.Select((a, i) => (float)sizesIn[i] / x.Shape[a]).Max(),
                    _ => throw ctx.Fail($"keep_aspect_ratio_policy '{policy}' is not stretch, not_larger or not_smaller"),
                };
                foreach (var a in axes)
                {
                    scales[a] = scale;
                    sizes[a] = (int)MathF.Floor(x.Shape[a] * scale + 0.5f);
                }
            }
        }
        else throw ctx.Fail("needs scales or sizes");

        float[]? fullRoi = null;
        if (transform == "tf_crop_and_resize")
        {
            if (roi is null || roi.Length != 2 * axes.Length) throw ctx.Fail("tf_crop_and_resize needs roi with 2 values per axis");
            fullRoi = new float[2 * rank];
            for (int d = 0; d < rank; d++) fullRoi[rank + d] = 1f;
            for (int i = 0; i < axes.Length; i++)
            {
                fullRoi[axes[i]] = roi[i];
                fullRoi[rank + axes[i]] = roi[axes.Length + i];
            }
        }
        return Interpolate(ctx, x, scales, sizes, mode, transform, nearestMode, fullRoi);
    }

    /// <summary>Upsample (opsets 7-9): scales from the attribute (7) or input (9), asymmetric coordinates.</summary>
    public static Tensor Upsample(OpContext ctx)
    {
        var x = ctx.Input(0);
        float[] scales = ctx.Node.GetFloats("scales") is { Length: > 0 } attr ? attr : ctx.Floats(1);
        string mode = ctx.Node.GetString("mode", "nearest");
        if (mode == "bilinear") mode = "linear";
        return Interpolate(ctx, x, ScalesOf(ctx, scales, x.Rank), null, mode, "asymmetric", "floor", null);
    }

    private static float[] ScalesOf(OpContext ctx, float[] scales, int rank)
    {
        if (scales.Length != rank) throw ctx.Fail($"scales has {scales.Length} values for rank {rank}");
        foreach (var s in scales) if (!(s > 0)) throw ctx.Fail($"scale {s} is not positive");
        return scales;
    }

    private static Tensor Interpolate(OpContext ctx, Tensor x, float[] scales, int[]? sizes, string mode, string transform,
        string nearestMode, float[]? roi)
    {
        int rank = x.Rank;
        sizes ??= Enumerable.Range(0, rank).Select(d => (int)MathF.Floor(x.Shape[d] * scales[d])).ToArray();
        if (mode is not ("nearest" or "linear" or "cubic")) throw ctx.Fail($"mode '{mode}' is not nearest, linear or cubic");
        foreach (var s in scales)
            if (!(s >= 1e-6f && s <= 1e6f)) throw ctx.Fail($"scale {s} is outside 1e-6..1e6");
        // Refuses negative and oversized outputs before any allocation: a 1 KB file with a scale of 131072
        // asked for a 537 MB activation (fuzz input onnx seed 2 #87821).
        if (ShapeMath.Product(sizes) > Passes.ShapeInference.MaxActivationElements)
            throw ctx.Fail($"the output [{string.Join(",", sizes)}] would hold more than {Passes.ShapeInference.MaxActivationElements} elements, the converter's limit for one activation");
        bool antialias = ctx.Node.GetInt("antialias", 0) != 0 && mode != "nearest";
        bool excludeOutside = ctx.Node.GetInt("exclude_outside", 0) != 0;
        float cubicA = ctx.Node.GetFloat("cubic_coeff_a", -0.75f);
        float extrapolation = ctx.Node.GetFloat("extrapolation_value", 0f);

        var data = x.AsFloats();
        var shape = (int[])x.Shape.Clone();
        for (int axis = rank - 1; axis >= 0; axis--)
        {
            if (sizes[axis] == shape[axis] && scales[axis] == 1f && transform != "tf_crop_and_resize") continue;
            if (sizes[axis] < 0) throw ctx.Fail($"output size {sizes[axis]} is negative");
            var taps = BuildTaps(ctx, shape[axis], sizes[axis], scales[axis], mode, transform, nearestMode, antialias,
                excludeOutside, cubicA, roi is null ? null : (roi[axis], roi[rank + axis]));
            (data, shape) = ApplyAxis(data, shape, axis, sizes[axis], taps, extrapolation);
        }
        return new Tensor(shape, data);
    }

    private static AxisTaps BuildTaps(OpContext ctx, int inSize, int outSize, float scale, string mode, string transform,
        string nearestMode, bool antialias, bool excludeOutside, float cubicA, (float Start, float End)? roi)
    {
        var index = new int[outSize][];
        var weight = new float[outSize][];
        var extrapolate = new bool[outSize];
        for (int o = 0; o < outSize; o++)
        {
            // ONNX maps coordinates with the real-valued output length scale * in, not the rounded size.
            double outLength = (double)scale * inSize;
            double xo = transform switch
            {
                "half_pixel" => (o + 0.5) / scale - 0.5,
                "half_pixel_symmetric" => HalfPixelSymmetric(o, inSize, outSize, scale),
                "pytorch_half_pixel" => outLength > 1 ? (o + 0.5) / scale - 0.5 : 0.0,
                "align_corners" => outLength == 1 ? 0.0 : o * (double)(inSize - 1) / (outLength - 1),
                "asymmetric" => o / (double)scale,
                "tf_crop_and_resize" => outLength > 1
                    ? roi!.Value.Start * (inSize - 1) + o * (double)(roi.Value.End - roi.Value.Start) * (inSize - 1) / (outLength - 1)
                    : 0.5 * (roi!.Value.Start + roi.Value.End) * (inSize - 1),
                _ => throw ctx.Fail($"coordinate_transformation_mode '{transform}' is not supported"),
            };
            if (transform == "tf_crop_and_resize" && (xo < 0 || xo > inSize - 1))
            {
                extrapolate[o] = true;
                index[o] = [];
                weight[o] = [];
                continue;
            }
            // The left neighbour: positions exactly on a sample count as "ratio 1" from the one before.
            int left = (int)Math.Floor(xo);
            double ratio = xo - left;
            if (ratio == 0) { left -= 1; ratio = 1; }
            double[] coeffs = mode switch
            {
                "nearest" => NearestCoeffs(ratio, nearestMode, ctx),
                "linear" => antialias ? LinearAntialias(ratio, scale) : [1 - ratio, ratio],
                _ => antialias ? CubicAntialias(ratio, scale, cubicA) : Cubic(ratio, cubicA),
            };
            int n = coeffs.Length;
            int first = left - (n / 2 - 1);
            var idx = new int[n];
            var w = new float[n];
            double sum = 0;
            for (int t = 0; t < n; t++)
            {
                int position = first + t;
                if (excludeOutside && (position < 0 || position >= inSize)) coeffs[t] = 0;
                idx[t] = Math.Clamp(position, 0, inSize - 1);
                sum += coeffs[t];
            }
            for (int t = 0; t < n; t++) w[t] = (float)(excludeOutside && sum != 0 ? coeffs[t] / sum : coeffs[t]);
            index[o] = idx;
            weight[o] = w;
        }
        return new AxisTaps(index, weight, extrapolate);
    }

    private static double HalfPixelSymmetric(int o, int inSize, int outSize, float scale)
    {
        double outputWidth = (double)scale * inSize;
        double adjustment = outSize / outputWidth;
        double center = inSize / 2.0;
        double offset = center * (1 - adjustment);
        return offset + (o + 0.5) / scale - 0.5;
    }

    /// <summary>Nearest as two taps (left, right) with one weight 1, by the rounding rule.</summary>
    private static double[] NearestCoeffs(double ratio, string nearestMode, OpContext ctx)
    {
        bool right = nearestMode switch
        {
            "round_prefer_floor" => ratio > 0.5,
            "round_prefer_ceil" => ratio >= 0.5,
            "floor" => ratio == 1,
            "ceil" => true,
            _ => throw ctx.Fail($"nearest_mode '{nearestMode}' is not supported"),
        };
        return right ? [0, 1] : [1, 0];
    }

    private static double[] Cubic(double r, double a) =>
    [
        ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
        ((a + 2) * r - (a + 3)) * r * r + 1,
        ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
        ((a * (2 - r) - 5 * a) * (2 - r) + 8 * a) * (2 - r) - 4 * a,
    ];

    /// <summary>Triangle filter widened by 1/scale when downsampling, normalized to sum 1.</summary>
    private static double[] LinearAntialias(double ratio, float scale)
    {
        double s = Math.Min(scale, 1.0);
        int start = (int)Math.Floor(-1 / s) + 1;
        int footprint = 2 - 2 * start;
        var c = new double[footprint];
        double sum = 0;
        for (int i = 0; i < footprint; i++)
        {
            c[i] = Math.Clamp(1 - Math.Abs((start + i - ratio) * s), 0, 1);
            sum += c[i];
        }
        for (int i = 0; i < footprint; i++) c[i] /= sum;
        return c;
    }

    private static double[] CubicAntialias(double ratio, float scale, double a)
    {
        double s = Math.Min(scale, 1.0);
        int start = (int)Math.Floor(-2 / s) + 1;
        int end = 2 - start;
        var c = new double[end - start];
        double sum = 0;
        for (int i = start; i < end; i++)
        {
            double v = Math.Abs(s * (i - ratio));
            double k = v <= 1 ? ((a + 2) * v - (a + 3)) * v * v + 1
                : v < 2 ? ((a * v - 5 * a) * v + 8 * a) * v - 4 * a
                : 0;
            c[i - start] = k;
            sum += k;
        }
        for (int i = 0; i < c.Length; i++) c[i] /= sum;
        return c;
    }

    private static (float[] Data, int[] Shape) ApplyAxis(float[] data, int[] shape, int axis, int outSize, AxisTaps taps, float extrapolation)
    {
        int outer = ShapeMath.Product(shape.AsSpan(0, axis));
        int inner = ShapeMath.Product(shape.AsSpan(axis + 1));
        int inSize = shape[axis];
        var result = new float[ShapeMath.Product([outer, outSize, inner])];
        for (int b = 0; b < outer; b++)
        for (int o = 0; o < outSize; o++)
        {
            int dst = (b * outSize + o) * inner;
            if (taps.Extrapolate[o])
            {
                Array.Fill(result, extrapolation, dst, inner);
                continue;
            }
            var idx = taps.Index[o];
            var w = taps.Weight[o];
            for (int t = 0; t < idx.Length; t++)
            {
                if (w[t] == 0) continue;
                int src = (b * inSize + idx[t]) * inner;
                float wt = w[t];
                for (int i = 0; i < inner; i++) result[dst + i] += wt * data[src + i];
            }
        }
        var newShape = (int[])shape.Clone();
        newShape[axis] = outSize;
        return (result, newShape);
    }
}
