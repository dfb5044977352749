using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>
/// The float executor's depthwise Conv (direct row loops; strided rows read column phases) against a
/// double-precision direct convolution: strides 1 to 3, dilation, uneven padding, a channel multiplier.
/// </summary>
public sealed class DepthwiseConvTests
{
    [Theory]
    [InlineData(3, 1, 11, 9, 3, 1, 1, 1, 1)]
    [InlineData(4, 1, 12, 13, 3, 2, 1, 1, 1)]
    [InlineData(2, 2, 9, 10, 3, 2, 1, 0, 1)]
    [InlineData(3, 1, 14, 15, 5, 3, 1, 2, 2)]
    [InlineData(2, 1, 10, 11, 3, 2, 2, 2, 1)]
    public void Matches_a_double_precision_direct_convolution(int c, int multiplier, int h, int w, int k, int stride, int dilation, int padBegin, int padEnd)
    {
        var rnd = new Random(c * 100 + k * 10 + stride);
        int m = c * multiplier;
        var x = new Tensor([1, c, h, w], Random(rnd, c * h * w));
        var weights = new Tensor([m, 1, k, k], Random(rnd, m * k * k));
        var bias = new Tensor([m], Random(rnd, m));
        var node = new GraphNode("Conv", "dw", ["x", "w", "b"], ["y"])
            .SetAttribute("group", NodeAttribute.Of((long)c))
            .SetAttribute("strides", NodeAttribute.Of(new long[] { stride, stride }))
            .SetAttribute("dilations", NodeAttribute.Of(new long[] { dilation, dilation }))
            .SetAttribute("pads", NodeAttribute.Of(new long[] { padBegin, padBegin, padEnd, padEnd }));
        var y = FloatExecutor.RunNode(node, [x, weights, bias], 13)[0];
        int span = (k - 1) * dilation + 1;
        int oh = (h + padBegin + padEnd - span) / stride + 1, ow = (w + padBegin + padEnd - span) / stride + 1;
        Assert.Equal([1, m, oh, ow], y.Shape);
        var xs = x.AsFloats();
        var ws = weights.AsFloats();
        for (int o = 0; o < m; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double sum = bias.AsFloats()[o], magnitude = Math.Abs(sum);
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padBegin + ky * dilation, ix = ox * stride - padBegin + kx * dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                double product = (double)ws[(o * k + ky) * k + kx] * xs[((o / multiplier) * h + iy) * w + ix];
                sum += product;
                magnitude += Math.Abs(product);
            }
            float actual = y.AsFloats()[(o * oh + oy) * ow + ox];
            Assert.True(Math.Abs(actual - sum) <= 1e-6 * magnitude + 1e-7, $"channel {o} at ({oy},{ox}): {actual:G9}, expected {sum:G9}");
        }
    }

    private static float[] Random(Random rnd, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.NextSingle() * 2 - 1;
        return v;
    }

    /// <summary>
    /// Bit for bit the sum the kernel specifies, y = bias then y += w * x over the taps in (ky, kx) order
    /// with zeros for the padding, in float: 3x3 (its own register path) and 5x5 (the tap loop), widths
    /// below, at and past the vector width, strides 1 and 2, uneven padding.
    /// </summary>
    [Theory]
    [InlineData(3, 3, 5, 1, 1, 1)]
    [InlineData(3, 7, 8, 1, 1, 1)]
    [InlineData(3, 9, 19, 1, 0, 2)]
    [InlineData(3, 12, 17, 2, 1, 1)]
    [InlineData(3, 11, 34, 2, 0, 1)]
    [InlineData(5, 10, 21, 1, 2, 2)]
    [InlineData(5, 13, 18, 2, 2, 1)]
    public void Equals_the_float_sum_in_tap_order(int k, int h, int w, int stride, int padBegin, int padEnd)
    {
        const int c = 3;
        var rnd = new Random(h * 100 + w + k);
        var x = new Tensor([1, c, h, w], Random(rnd, c * h * w));
        var weights = new Tensor([c, 1, k, k], Random(rnd, c * k * k));
        var bias = new Tensor([c], Random(rnd, c));
        var node = new GraphNode("Conv", "dw", ["x", "w", "b"], ["y"])
            .SetAttribute("group", NodeAttribute.Of((long)c))
            .SetAttribute("strides", NodeAttribute.Of(new long[] { stride, stride }))
            .SetAttribute("pads", NodeAttribute.Of(new long[] { padBegin, padBegin, padEnd, padEnd }));
        var y = FloatExecutor.RunNode(node, [x, weights, bias], 13)[0].AsFloats();
        int oh = (h + padBegin + padEnd - k) / stride + 1, ow = (w + padBegin + padEnd - k) / stride + 1;
        var xs = x.AsFloats();
        var ws = weights.AsFloats();
        for (int o = 0; o < c; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float acc = bias.AsFloats()[o];
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padBegin + ky, ix = ox * stride - padBegin + kx;
                float v = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : xs[(o * h + iy) * w + ix];
                acc += ws[(o * k + ky) * k + kx] * v;
            }
            Assert.Equal(acc, y[(o * oh + oy) * ow + ox]);
        }
    }
}
