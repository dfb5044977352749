using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>
/// MaxPool without indices (windows clipped once per row and column) against the general loop, which
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
    public void Equals_the_general_loop(int h, int w, int k, int stride, int dilation, int padBegin, int padEnd, int ceil)
    {
        var rnd = new Random(h * 31 + w);
        var data = new float[2 * 3 * h * w];
        for (int i = 0; i < data.Length; i++) data[i] = rnd.NextSingle() * 4 - 2;
        data[5] = float.NaN;
        data[h * w + 1] = float.NaN;
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
