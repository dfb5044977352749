using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>BatchNormalization (inference form), LRN across channels, ReduceMean.</summary>
internal static class NormalizationKernels
{
    /// <summary>y = (x - mean) / sqrt(var + epsilon) * scale + bias, per channel (dim 1).</summary>
    public static Tensor BatchNormalization(OpContext ctx)
    {
        if (ctx.Node.GetInt("training_mode", 0) != 0)
            throw ctx.Fail("training_mode=1 is not supported (export the model in inference mode)");
        var x = ctx.Input(0);
        if (x.Rank < 2) throw ctx.Fail($"expects rank 2 or more, got {ShapeMath.Format(x.Shape)}");
        float eps = ctx.Node.GetFloat("epsilon", 1e-5f);
        var scale = ctx.Floats(1);
        var bias = ctx.Floats(2);
        var mean = ctx.Floats(3);
        var variance = ctx.Floats(4);
        int n = x.Shape[0], c = x.Shape[1], size = ShapeMath.Product(x.Shape.AsSpan(2));
        if (scale.Length != c || bias.Length != c || mean.Length != c || variance.Length != c)
            throw ctx.Fail($"scale, bias, mean and var must each have {c} values");
        var xs = x.AsFloats();
        var y = new float[xs.Length];
        for (int ch = 0; ch < c; ch++)
        {
            float k = scale[ch] / MathF.Sqrt(variance[ch] + eps);
            for (int b = 0; b < n; b++)
            {
                int start = (b * c + ch) * size;
                for (int i = 0; i < size; i++) y[start + i] = (xs[start + i] - mean[ch]) * k + bias[ch];
            }
        }
        return new Tensor((int[])x.Shape.Clone(), y);
    }

    /// <summary>LRN: x / (bias + alpha / size * sum of squares over the neighbouring channels) ^ beta.</summary>
    public static Tensor Lrn(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank < 3) throw ctx.Fail($"expects rank 3 or more, got {ShapeMath.Format(x.Shape)}");
        int size = (int)ctx.Node.GetInt("size", 0);
        if (size < 1) throw ctx.Fail("size must be a positive integer");
        float alpha = ctx.Node.GetFloat("alpha", 1e-4f), beta = ctx.Node.GetFloat("beta", 0.75f), bias = ctx.Node.GetFloat("bias", 1f);
        int n = x.Shape[0], c = x.Shape[1], plane = ShapeMath.Product(x.Shape.AsSpan(2));
        int before = (size - 1) / 2, after = size - 1 - before;
        var xs = x.AsFloats();
        var y = new float[xs.Length];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        {
            int lo = Math.Max(0, ch - before), hi = Math.Min(c - 1, ch + after);
            for (int p = 0; p < plane; p++)
            {
                float sum = 0;
                for (int k = lo; k <= hi; k++)
                {
                    float v = xs[(b * c + k) * plane + p];
                    sum += v * v;
                }
                int idx = (b * c + ch) * plane + p;
                y[idx] = xs[idx] / MathF.Pow(bias + alpha / size * sum, beta);
            }
        }
        return new Tensor((int[])x.Shape.Clone(), y);
    }

    /// <summary>ReduceMean: the mean over the reduced axes (see <see cref="Reduction"/>).</summary>
    public static Tensor ReduceMean(OpContext ctx) => Reduction.Reduce(ctx, v => v, (sum, count) => (float)(sum / count));
}
