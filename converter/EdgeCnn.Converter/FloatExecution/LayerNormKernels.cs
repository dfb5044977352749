using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// LayerNormalization (opset 17), ReduceL2, LpNormalization, and the converter's channel forms
/// ChannelLayerNorm / ChannelL2Norm (produced by <see cref="Passes.NormalizationPatterns"/>: normalize
/// over axis 1 of [N, C, ...], the NCHW view of "over channels").
/// </summary>
internal static class LayerNormKernels
{
    /// <summary>
    /// Y = (X - mean) / sqrt(var + epsilon) * Scale + B over the axes from <c>axis</c> on; optional
    /// outputs Mean and InvStdDev (shape of X with the normalized axes set to 1).
    /// </summary>
    public static Tensor[] LayerNormalization(OpContext ctx)
    {
        var x = ctx.Input(0);
        int axis = ctx.Axis(ctx.Node.GetInt("axis", -1), x.Rank);
        float eps = ctx.Node.GetFloat("epsilon", 1e-5f);
        if (ctx.Node.GetInt("stash_type", 1) != 1) throw ctx.Fail("only stash_type 1 (float32) is supported");
        int rows = ShapeMath.Product(x.Shape.AsSpan(0, axis)), size = ShapeMath.Product(x.Shape.AsSpan(axis));
        var scaleT = ctx.Input(1);
        var biasT = ctx.OptionalInput(2);
        var normShape = x.Shape[axis..];
        var scale = Broadcast(ctx, scaleT, normShape, "Scale");
        var bias = biasT is null ? new float[size] : Broadcast(ctx, biasT, normShape, "B");
        var xs = x.AsFloats();
        var y = new float[xs.Length];
        var means = new float[rows];
        var invStd = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = xs.AsSpan(r * size, size);
            float mean = 0f;
            foreach (float v in row) mean += v;
            mean /= size;
            float variance = 0f;
            foreach (float v in row) variance += (v - mean) * (v - mean);
            variance /= size;
            float inv = 1f / MathF.Sqrt(variance + eps);
            means[r] = mean;
            invStd[r] = inv;
            for (int i = 0; i < size; i++) y[r * size + i] = (row[i] - mean) * inv * scale[i] + bias[i];
        }
        var statShape = x.Shape.Select((d, i) => i < axis ? d : 1).ToArray();
        return [new Tensor((int[])x.Shape.Clone(), y), new Tensor(statShape, means), new Tensor((int[])statShape.Clone(), invStd)];
    }

    private static float[] Broadcast(OpContext ctx, Tensor t, int[] shape, string what)
    {
        if (ShapeMath.Broadcast(t.Shape, shape) is not { } s || !s.SequenceEqual(shape))
            throw ctx.Fail($"{what} of shape {ShapeMath.Format(t.Shape)} does not broadcast to the normalized shape {ShapeMath.Format(shape)}");
        var map = ShapeMath.BroadcastIndexMap(t.Shape, shape);
        var values = t.AsFloats();
        return Array.ConvertAll(map, i => values[i]);
    }

    /// <summary>ReduceL2: sqrt of the sum of squares over the reduced axes (see <see cref="Reduction"/>).</summary>
    public static Tensor ReduceL2(OpContext ctx) => Reduction.Reduce(ctx, v => (double)v * v, (sum, _) => (float)Math.Sqrt(sum));

    /// <summary>LpNormalization: x / ||x||_p along one axis, p = 1 or 2 (a zero norm gives 0, not NaN).</summary>
    public static Tensor LpNormalization(OpContext ctx)
    {
        var x = ctx.Input(0);
        int axis = ctx.Axis(ctx.Node.GetInt("axis", -1), x.Rank);
        long p = ctx.Node.GetInt("p", 2);
        if (p is not (1 or 2)) throw ctx.Fail($"p = {p} is not supported (1 or 2)");
        return AlongAxis(x, axis, (row, stride, count) =>
        {
            double norm = 0;
            for (int i = 0; i < count; i++) norm += p == 1 ? Math.Abs(row[i * stride]) : (double)row[i * stride] * row[i * stride];
            return p == 1 ? norm : Math.Sqrt(norm);
        }, eps: 0f);
    }

    /// <summary>ChannelL2Norm: x / max(||x||_2 over axis 1, epsilon) (F.normalize).</summary>
    public static Tensor ChannelL2Norm(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank < 2) throw ctx.Fail($"expects rank 2 or more, got {ShapeMath.Format(x.Shape)}");
        return AlongAxis(x, 1, (row, stride, count) =>
        {
            double sum = 0;
            for (int i = 0; i < count; i++) sum += (double)row[i * stride] * row[i * stride];
            return Math.Sqrt(sum);
        }, ctx.Node.GetFloat("epsilon", 0f));
    }

    /// <summary>ChannelLayerNorm: LayerNormalization over axis 1 alone of [N, C, ...], per-channel Scale and B.</summary>
    public static Tensor ChannelLayerNorm(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank < 2) throw ctx.Fail($"expects rank 2 or more, got {ShapeMath.Format(x.Shape)}");
        float eps = ctx.Node.GetFloat("epsilon", 1e-5f);
        int n = x.Shape[0], c = x.Shape[1], plane = ShapeMath.Product(x.Shape.AsSpan(2));
        var scale = ctx.Floats(1);
        var bias = ctx.Floats(2);
        if (scale.Length != c || bias.Length != c) throw ctx.Fail($"scale and bias must have {c} values");
        var xs = x.AsFloats();
        var y = new float[xs.Length];
        for (int b = 0; b < n; b++)
        for (int p = 0; p < plane; p++)
        {
            int start = b * c * plane + p;
            float mean = 0f;
            for (int k = 0; k < c; k++) mean += xs[start + k * plane];
            mean /= c;
            float variance = 0f;
            for (int k = 0; k < c; k++) variance += (xs[start + k * plane] - mean) * (xs[start + k * plane] - mean);
            variance /= c;
            float inv = 1f / MathF.Sqrt(variance + eps);
            for (int k = 0; k < c; k++) y[start + k * plane] = (xs[start + k * plane] - mean) * inv * scale[k] + bias[k];
        }
        return new Tensor((int[])x.Shape.Clone(), y);
    }

    private delegate double Norm(ReadOnlySpan<float> row, int stride, int count);

    /// <summary>y = x / max(norm, eps) for every line along <paramref name="axis"/>; a zero denominator gives 0.</summary>
    private static Tensor AlongAxis(Tensor x, int axis, Norm norm, float eps)
    {
        int outer = ShapeMath.Product(x.Shape.AsSpan(0, axis)), count = x.Shape[axis], inner = ShapeMath.Product(x.Shape.AsSpan(axis + 1));
        var xs = x.AsFloats();
        var y = new float[xs.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int start = o * count * inner + i;
            double d = Math.Max(norm(xs.AsSpan(start), inner, count), eps);
            for (int k = 0; k < count; k++) y[start + k * inner] = d == 0 ? 0f : (float)(xs[start + k * inner] / d);
        }
        return new Tensor((int[])x.Shape.Clone(), y);
    }
}
