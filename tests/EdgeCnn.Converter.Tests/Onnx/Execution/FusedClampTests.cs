using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>The executor's vectorized fused-activation clamp gives, bit for bit, what FusedActivation.Apply gives.</summary>
public sealed class FusedClampTests
{
    public static TheoryData<float, float> Bounds() => new()
    {
        { 0f, float.PositiveInfinity }, { 0f, 6f }, { -1.5f, 2.25f }, { float.NegativeInfinity, float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Matches_the_scalar_clamp_on_special_values(float min, float max)
    {
        var activation = FusedActivation.Clip(min, max);
        float[] special = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, 6f, -1.5f, 2.25f, 1e-40f, -1e-40f, 7.5f, -3f];
        var values = new float[64 + 5];
        for (int i = 0; i < values.Length; i++) values[i] = special[i % special.Length] * (i % 3 == 0 ? 1f : 0.5f);
        var clamped = VectorMath.Clamp(new Tensor([values.Length], values), activation).AsFloats();
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(activation.Apply(values[i])), BitConverter.SingleToInt32Bits(clamped[i]));
    }

    /// <summary>
    /// Convolutions clamp as they store (the GEMM's last block of K, the depthwise rows): bit for bit the
    /// separate clamp pass over the unclamped output, on dense 3x3 with partial tiles, a 1x1 read in
    /// place with K over one block, depthwise 3x3 stride 2 and depthwise 5x5.
    /// </summary>
    [Theory]
    [InlineData(5, 7, 9, 11, 3, 1, 1)]
    [InlineData(300, 12, 8, 4, 1, 1, 1)]
    [InlineData(6, 6, 13, 17, 3, 2, 6)]
    [InlineData(4, 4, 10, 9, 5, 1, 4)]
    public void Convolutions_clamp_as_they_store(int c, int m, int h, int w, int k, int stride, int group)
    {
        var rnd = new Random(c + m + k);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => rnd.NextSingle() * 4 - 2).ToArray();
        var x = new Tensor([1, c, h, w], Random(c * h * w));
        var weights = new Tensor([m, c / group, k, k], Random(m * (c / group) * k * k));
        var bias = new Tensor([m], Random(m));
        foreach (var activation in new[] { FusedActivation.Relu6, FusedActivation.Clip(-0.5f, 0.7f) })
        {
            GraphNode Node() => new GraphNode("Conv", "conv", ["x", "w", "b"], ["y"])
                .SetAttribute("group", NodeAttribute.Of((long)group))
                .SetAttribute("strides", NodeAttribute.Of(new long[] { stride, stride }))
                .SetAttribute("pads", NodeAttribute.Of(new long[] { k / 2, k / 2, k / 2, k / 2 }));
            var plain = FloatExecutor.RunNode(Node(), [x, weights, bias], 13)[0];
            var fused = Node();
            fused.Activation = activation;
            var expected = VectorMath.Clamp(plain, activation).AsFloats();
            var actual = FloatExecutor.RunNode(fused, [x, weights, bias], 13)[0].AsFloats();
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
        }
    }
}
