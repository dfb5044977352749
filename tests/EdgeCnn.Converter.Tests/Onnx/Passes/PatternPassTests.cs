using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Passes;

namespace EdgeCnn.Converter.Tests.Onnx.Passes;

/// <summary>The pattern passes keep values, and leave alone what does not match exactly.</summary>
public sealed class PatternPassTests
{
    private static ModelGraph Shaped(GraphBuilder b)
    {
        ShapeInference.Run(b.Graph);
        return b.Graph;
    }

    [Fact]
    public void Gelu_with_half_first_is_recognized()
    {
        var graph = Shaped(new GraphBuilder().Input("x", 1, 4, 3, 3)
            .Const("half", Tensor.Scalar(0.5f)).Const("inv", Tensor.Scalar(0.70710677f)).Const("one", Tensor.Scalar(1f))
            .Node("Mul", ["x", "half"], ["h"])
            .Node("Mul", ["inv", "x"], ["s"])
            .Node("Erf", ["s"], ["e"])
            .Node("Add", ["one", "e"], ["a"])
            .Node("Mul", ["h", "a"], ["y"])
            .Output("y"));
        var result = PassAssert.PreservesValues(graph, g => Assert.Equal(1, ActivationPatterns.Run(g)));
        Assert.Equal(["Gelu"], result.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Erf_read_twice_is_not_gelu()
    {
        var graph = Shaped(new GraphBuilder().Input("x", 1, 4)
            .Const("sqrt2", Tensor.Scalar(1.4142135f)).Const("one", Tensor.Scalar(1f)).Const("half", Tensor.Scalar(0.5f))
            .Node("Div", ["x", "sqrt2"], ["s"])
            .Node("Erf", ["s"], ["e"])
            .Node("Add", ["e", "one"], ["a"])
            .Node("Mul", ["x", "a"], ["m"])
            .Node("Mul", ["m", "half"], ["y"])
            .Output("y", "e"));
        Assert.Equal(0, ActivationPatterns.Run(graph));
    }

    [Fact]
    public void HardSigmoid_with_other_coefficients_is_not_hard_swish()
    {
        var graph = Shaped(new GraphBuilder().Input("x", 1, 4)
            .Node("HardSigmoid", ["x"], ["s"], ("alpha", 0.2f))
            .Node("Mul", ["x", "s"], ["y"])
            .Output("y"));
        Assert.Equal(0, ActivationPatterns.Run(graph));
    }

    [Fact]
    public void LayerNorm_over_channels_written_by_hand_is_channel_layer_norm()
    {
        // ConvNeXt's original LayerNorm for channels_first: mean over dim 1, weight[:, None, None] * x + bias[:, None, None].
        var b = new GraphBuilder().Input("x", 1, 5, 3, 3)
            .Const("two", Tensor.Scalar(2f)).Const("eps", Tensor.Scalar(1e-6f))
            .Random("w", [5, 1, 1], 0.5f, 1.5f).Random("bias", [5, 1, 1])
            .Node("ReduceMean", ["x"], ["u"], ("axes", new long[] { 1 }))
            .Node("Sub", ["x", "u"], ["d"])
            .Node("Pow", ["d", "two"], ["p"])
            .Node("ReduceMean", ["p"], ["v"], ("axes", new long[] { 1 }))
            .Node("Add", ["v", "eps"], ["ve"])
            .Node("Sqrt", ["ve"], ["s"])
            .Node("Div", ["d", "s"], ["n"])
            .Node("Mul", ["w", "n"], ["m"])
            .Node("Add", ["m", "bias"], ["y"])
            .Output("y");
        var result = PassAssert.PreservesValues(Shaped(b), g => Assert.Equal(1, NormalizationPatterns.Run(g)));
        Assert.Equal(["ChannelLayerNorm"], result.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Lp_normalization_p2_over_channels_is_channel_l2_norm_and_p1_is_kept()
    {
        var graph = Shaped(new GraphBuilder().Input("x", 2, 6)
            .Node("LpNormalization", ["x"], ["a"], ("axis", 1), ("p", 2))
            .Node("LpNormalization", ["a"], ["y"], ("axis", 1), ("p", 1))
            .Output("y"));
        var result = PassAssert.PreservesValues(graph, g => Assert.Equal(1, NormalizationPatterns.Run(g)));
        Assert.Equal(["ChannelL2Norm", "LpNormalization"], result.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Channels_last_region_with_an_operator_that_has_no_channel_form_is_left_alone()
    {
        var graph = Shaped(new GraphBuilder().Input("x", 1, 4, 3, 3)
            .Node("Transpose", ["x"], ["t"], ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("Softmax", ["t"], ["s"], ("axis", -1))
            .Node("Transpose", ["s"], ["y"], ("perm", new long[] { 0, 3, 1, 2 }))
            .Output("y"));
        Assert.Equal(0, ChannelsLastRegions.Run(graph));
        Assert.Equal(3, graph.Nodes.Count);
    }

    [Fact]
    public void Channels_last_region_ending_in_a_biased_linear_graph_output_keeps_the_name()
    {
        var b = new GraphBuilder().Input("x", 1, 4, 2, 2)
            .Random("w", [4, 5]).Random("k", [5])
            .Node("Transpose", ["x"], ["t"], ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("MatMul", ["t", "w"], ["m"])
            .Node("Add", ["m", "k"], ["a"])
            .Node("Transpose", ["a"], ["y"], ("perm", new long[] { 0, 3, 1, 2 }))
            .Output("y");
        var result = PassAssert.PreservesValues(Shaped(b), g => Assert.Equal(1, ChannelsLastRegions.Run(g)));
        Assert.Equal(["Conv"], result.Nodes.Select(n => n.OpType));
        Assert.Equal("y", result.Nodes[0].Outputs[0]);
    }

    [Fact]
    public void Channels_last_region_becomes_nchw_operators()
    {
        var b = new GraphBuilder().Input("x", 1, 4, 3, 3)
            .Random("scale", [4], 0.5f, 1.5f).Random("shift", [4]).Random("w", [4, 6]).Random("k", [6]).Random("gain", [1, 1, 1, 6])
            .Node("Transpose", ["x"], ["t"], ("perm", new long[] { 0, 2, 3, 1 }))
            .Node("LayerNormalization", ["t", "scale", "shift"], ["n"], ("axis", -1), ("epsilon", 1e-5f))
            .Node("MatMul", ["n", "w"], ["m"])
            .Node("Add", ["k", "m"], ["a"])
            .Node("Relu", ["a"], ["r"])
            .Node("Mul", ["r", "gain"], ["g"])
            .Node("Transpose", ["g"], ["y"], ("perm", new long[] { 0, 3, 1, 2 }))
            .Output("y");
        var shaped = Shaped(b);
        var result = PassAssert.PreservesValues(shaped, g => Assert.Equal(1, ChannelsLastRegions.Run(g)));
        Assert.Equal(["ChannelLayerNorm", "Conv", "Relu", "Mul"], result.Nodes.Select(n => n.OpType));
        Assert.Equal(3, result.Nodes[1].Inputs.Count); // the [K] bias folded into the 1x1 convolution
        Assert.Equal("y", result.Nodes[^1].Outputs[0]); // the graph output keeps its name
    }
}
