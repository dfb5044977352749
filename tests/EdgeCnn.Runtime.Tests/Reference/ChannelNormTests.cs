using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Reference;

/// <summary>
/// Int8 LayerNorm and L2Norm over the channels: the documented integer-statistics formula
/// (docs/quantization.md) recomputed here bit for bit, and closeness to the float operation.
/// </summary>
public class ChannelNormTests
{
    private static sbyte Rne(float v, int zp, int qmin, int qmax)
    {
        float lo = qmin - zp, hi = qmax - zp;
        v = Math.Min(Math.Max(v, lo), hi);
        return (sbyte)((int)MathF.Round(v, MidpointRounding.ToEven) + zp);
    }

    private static float[] Floats(Random random, int n, float lo, float hi) =>
        Enumerable.Range(0, n).Select(_ => lo + (float)random.NextDouble() * (hi - lo)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(96)]
    public void LayerNorm_follows_the_documented_formula(int c)
    {
        var random = new Random(c);
        for (int trial = 0; trial < 20; trial++)
        {
            float inScale = 0.005f + (float)random.NextDouble() * 0.1f, outScale = 0.01f + (float)random.NextDouble() * 0.05f;
            int inZp = random.Next(-100, 100), outZp = random.Next(-20, 20);
            float eps = trial % 3 == 0 ? 0f : 1e-6f * (trial + 1);
            var gamma = Floats(random, c, -2, 2);
            var beta = Floats(random, c, -1, 1);
            var q = ChannelNormQuantization.LayerNorm(c, inScale, inZp, gamma, beta, eps, outScale, outZp, -128, 127);
            var x = Enumerable.Range(0, 3 * c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
            var actual = new sbyte[x.Length];
            LayerNorm.Run(x, q, actual);
            for (int row = 0; row < 3; row++)
            {
                long s = 0, sq = 0;
                for (int i = 0; i < c; i++) { int d = x[row * c + i] - inZp; s += d; sq += d * d; }
                long v = c * sq - s * s;
                double term = (double)c * c * eps / ((double)inScale * inScale);
                float m = v == 0 ? 0f : (float)(1.0 / Math.Sqrt(v + term));
                for (int i = 0; i < c; i++)
                {
                    int t = c * (x[row * c + i] - inZp) - (int)s;
                    float g = gamma[i] / outScale, b = beta[i] / outScale;
                    float p = (float)t * m;
                    float r = p * g;
                    Assert.Equal(Rne(r + b, outZp, -128, 127), actual[row * c + i]);
                }
            }
        }
    }

    [Fact]
    public void LayerNorm_is_close_to_the_float_operation()
    {
        var random = new Random(3);
        int c = 64;
        float inScale = 0.05f, outScale = 0.03f;
        int inZp = 5, outZp = -3;
        var gamma = Floats(random, c, 0.5f, 1.5f);
        var beta = Floats(random, c, -0.5f, 0.5f);
        var q = ChannelNormQuantization.LayerNorm(c, inScale, inZp, gamma, beta, 1e-5f, outScale, outZp, -128, 127);
        var x = Enumerable.Range(0, c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
        var y = new sbyte[c];
        LayerNorm.Run(x, q, y);
        var real = x.Select(v => (v - inZp) * inScale).ToArray();
        float mean = real.Average(), variance = real.Select(v => (v - mean) * (v - mean)).Average();
        for (int i = 0; i < c; i++)
        {
            float expected = (real[i] - mean) / MathF.Sqrt(variance + 1e-5f) * gamma[i] + beta[i];
            Assert.InRange((y[i] - outZp) * outScale, expected - outScale, expected + outScale);
        }
    }

    [Fact]
    public void L2Norm_follows_the_documented_formula_and_is_close_to_float()
    {
        var random = new Random(5);
        foreach (int c in new[] { 1, 24, 128 })
        {
            float inScale = 0.02f, outScale = 1f / 127;
            int inZp = -7;
            foreach (float eps in new[] { 0f, 1e-12f, 50f })
            {
                var q = ChannelNormQuantization.L2Norm(c, inScale, inZp, eps, outScale, 0, -128, 127);
                var x = Enumerable.Range(0, c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                var y = new sbyte[c];
                L2Norm.Run(x, q, y);
                long sq = x.Sum(v => (long)(v - inZp) * (v - inZp));
                float m = sq == 0 ? 0f : (float)Math.Min(1.0 / (Math.Max(Math.Sqrt(sq), (double)eps / inScale) * outScale), float.MaxValue);
                double norm = Math.Sqrt(x.Sum(v => Math.Pow((v - inZp) * inScale, 2)));
                for (int i = 0; i < c; i++)
                {
                    Assert.Equal(Rne((float)(x[i] - inZp) * m, 0, -128, 127), y[i]);
                    double expected = (x[i] - inZp) * inScale / Math.Max(norm, eps);
                    Assert.InRange((y[i] - 0) * outScale, expected - outScale, expected + outScale);
                }
            }
        }
    }

    [Fact]
    public void Constant_rows_give_the_bias_and_zero_rows_the_zero_point()
    {
        var gamma = new float[] { 1f, 2f, 3f };
        var beta = new float[] { 0.1f, -0.2f, 0.3f };
        var ln = ChannelNormQuantization.LayerNorm(3, 0.1f, 4, gamma, beta, 0f, 0.01f, 2, -128, 127);
        var y = new sbyte[3];
        LayerNorm.Run(new sbyte[] { 9, 9, 9 }, ln, y);
        Assert.Equal(new sbyte[] { 12, -18, 32 }, y);
        var l2 = ChannelNormQuantization.L2Norm(3, 0.1f, 4, 0f, 1e-30f, 6, -128, 127);
        L2Norm.Run(new sbyte[] { 4, 4, 4 }, l2, y);
        Assert.Equal(new sbyte[] { 6, 6, 6 }, y);
        L2Norm.Run(new sbyte[] { 4, 5, 4 }, l2, y); // a huge multiplier saturates, 0 * m stays the zero point
        Assert.Equal(new sbyte[] { 6, 127, 6 }, y);
    }

    [Fact]
    public void Bad_parameters_are_refused_with_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => ChannelNormQuantization.L2Norm(0, 0.1f, 0, 0f, 0.1f, 0, -128, 127));
        Assert.Contains("channel count 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => ChannelNormQuantization.L2Norm(4, 0.1f, 0, -1f, 0.1f, 0, -128, 127));
        Assert.Contains("epsilon -1", e.Message);
        e = Assert.Throws<ArgumentException>(() => ChannelNormQuantization.LayerNorm(2, 0.1f, 0, [1f], [0f, 0f], 0f, 0.1f, 0, -128, 127));
        Assert.Contains("gamma", e.Message);
        e = Assert.Throws<ArgumentException>(() => ChannelNormQuantization.LayerNorm(1, 0.1f, 0, [float.MaxValue], [0f], 0f, 1e-10f, 0, -128, 127));
        Assert.Contains("not finite", e.Message);
    }

    [Fact]
    public void Slice_copies_the_box()
    {
        var input = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => (sbyte)i).ToArray();
        var inShape = new Shape4(2, 3, 4, 5);
        var outShape = new Shape4(1, 2, 2, 3);
        var output = new sbyte[outShape.Count];
        Slice.Run<sbyte>(input, inShape, new Shape4(1, 1, 2, 2), output, outShape);
        for (int h = 0; h < 2; h++)
        for (int w = 0; w < 2; w++)
        for (int c = 0; c < 3; c++)
            Assert.Equal(input[inShape.Index(1, 1 + h, 2 + w, 2 + c)], output[outShape.Index(0, h, w, c)]);
        Assert.Throws<ArgumentException>(() => Slice.Run<sbyte>(input, inShape, new Shape4(0, 2, 0, 0), output, outShape));
    }
}
