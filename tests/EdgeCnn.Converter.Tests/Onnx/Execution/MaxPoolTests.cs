using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>
/// MaxPool without indices (by rows, or windows clipped once per row and column) against the general loop, which
/// runs when the indices output is asked for: the same values, bit for bit, NaN included.
/// </summary>
public sealed class MaxPoolTests
{
    [Theory]
    [InlineData(9, 11, 3, 2, 1, 1, 1, 0)]
    [InlineData(8, 8, 2, 2, 1, 0, 0, 0)]
    [InlineData(7, 10, 3, 1, 1, 1, 2, 0)]
    [InlineData(12, 9, 3, 2, 2, 2, 1, 0)]
    [InlineData(6, 6, 3, 2, 1, 1, 1, 1)] // ceil_mode: the last windows overhang
    [InlineData(5, 13, 5, 3, 1, 2, 2, 1)]
    [InlineData(20, 37, 3, 2, 1, 1, 1, 0)] // ResNet's pool: rows long enough for whole vectors
    [InlineData(16, 40, 2, 2, 1, 0, 0, 0)]
    [InlineData(10, 30, 3, 1, 1, 1, 1, 1)]
    [InlineData(4, 3, 5, 1, 1, 2, 2, 0)] // windows wider than the rows
    public void Equals_the_general_loop(int h, int w, int k, int stride, int dilation, int padBegin, int padEnd, int ceil)
    {
        foreach (bool withNaN in new[] { false, true }) // planes with NaN take the general loop
            Check(h, w, k, stride, dilation, padBegin, padEnd, ceil, withNaN);
    }

    private static void Check(int h, int w, int k, int stride, int dilation, int padBegin, int padEnd, int ceil, bool withNaN)
    {
        var rnd = new Random(h * 31 + w);
        var data = new float[2 * 3 * h * w];
        // Few distinct values: ties between taps, where "the first of the largest" matters.
        // Zeros of both signs are equal but not the same bits: only the first of them may win.
        for (int i = 0; i < data.Length; i++) data[i] = rnd.Next(-8, 8) * 0.25f is var v && v == 0 && i % 2 == 1 ? -0f : v;
        data[^1] = float.NegativeInfinity;
        if (withNaN)
        {
            for (int i = 5; i < data.Length; i += 37) data[i] = float.NaN;
            data[h * w + 1] = float.NaN;
        }
        var x = new Tensor([2, 3, h, w], data);
        GraphNode Node(params string[] outputs) => new GraphNode("MaxPool", "pool", ["x"], outputs)
            .SetAttribute("kernel_shape", NodeAttribute.Of(new long[] { k, k }))
            .SetAttribute("strides", NodeAttribute.Of(new long[] { stride, stride }))
            .SetAttribute("dilations", NodeAttribute.Of(new long[] { dilation, dilation }))
            .SetAttribute("pads", NodeAttribute.Of(new long[] { padBegin, padBegin, padEnd, padEnd }))
            .SetAttribute("ceil_mode", NodeAttribute.Of((long)ceil));
        var general = FloatExecutor.RunNode(Node("y", "i"), [x], 12)[0];
        var clipped = FloatExecutor.RunNode(Node("y"), [x], 12)[0];
        Assert.Equal(general.Shape, clipped.Shape);
        Assert.Equal(general.AsFloats().Select(BitConverter.SingleToInt32Bits), clipped.AsFloats().Select(BitConverter.SingleToInt32Bits));
    }
}
