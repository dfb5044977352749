using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Tests.Onnx.Passes;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Operators;

/// <summary>
/// Issue 12's operators on models exported from PyTorch: the passes recognize what PyTorch wrote (and
/// keep the float values), and the int8 model follows the float one.
/// </summary>
public class OperatorModelTests
{
    private static ModelGraph Passed(string name) =>
        PassAssert.PreservesValues(PyTorchOperatorModels.Import(name), g => StandardPasses.Run(g));

    private static OpType[] Ops(EcnnModel model) => model.Operators.Select(o => o.Type).ToArray();

    [Fact]
    public void Hardswish_after_the_classifier_gemm_is_one_table_on_N_C()
    {
        var graph = Passed("hardswish_fc");
        Assert.Equal(2, PassAssert.Count(graph, "HardSwish"));
        Assert.Equal(0, PassAssert.Count(graph, "HardSigmoid"));

        var r = PyTorchOperatorModels.FloatVsInt8("hardswish_fc");
        Assert.True(r.SqnrDb > 30, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal(r.Samples, r.Agreements);
        var fcActivation = r.Model.Operators.Single(o => o.Name == "/Mul_1");
        Assert.Equal(OpType.Activation, fcActivation.Type);
        Assert.Equal(ActivationKind.HardSwish, fcActivation.ActivationOptions.Kind);
        Assert.Equal([1, 32], r.Model.Tensors[fcActivation.Outputs[0]].Shape);
        Assert.Contains(OpType.Mul, Ops(r.Model));   // 0.25 * x on [N, C]
        Assert.Contains(OpType.Add, Ops(r.Model));   // hardswish(x) + 0.25 * x on [N, C]
    }

    [Fact]
    public void Chunk_and_split_on_channels_become_slices()
    {
        var graph = Passed("channel_split");
        Assert.Equal(2, PassAssert.Count(graph, "Slice"));
        Assert.Equal(1, PassAssert.Count(graph, "Split"));

        var r = PyTorchOperatorModels.FloatVsInt8("channel_split");
        Assert.True(r.SqnrDb > 30, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal(r.Samples, r.Agreements);
        var slices = r.Model.Operators.Where(o => o.Type == OpType.Slice).ToList();
        Assert.Equal(4, slices.Count);
        Assert.Equal([[0, 0, 0, 0], [0, 0, 0, 8], [0, 0, 0, 0], [0, 0, 0, 10]], slices.Select(s => s.Ints));
        Assert.Equal([1, 16, 16, 6], r.Model.Tensors[slices[3].Outputs[0]].Shape);
        Assert.Contains(OpType.ChannelShuffle, Ops(r.Model));
    }

    [Fact]
    public void ConvNeXt_block_has_no_transposes_and_runs_layer_norm_and_gelu_in_int8()
    {
        var graph = Passed("convnext_block");
        foreach (var gone in new[] { "Transpose", "Erf", "Pow", "Sqrt", "ReduceMean", "MatMul" })
            Assert.Equal(0, PassAssert.Count(graph, gone));
        Assert.Equal(5, PassAssert.Count(graph, "ChannelLayerNorm")); // stem, two blocks, downsampling, head
        Assert.Equal(2, PassAssert.Count(graph, "Gelu"));

        var r = PyTorchOperatorModels.FloatVsInt8("convnext_block");
        Assert.True(r.SqnrDb > 25, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal(r.Samples, r.Agreements);
        Assert.Contains(OpType.LayerNorm, Ops(r.Model));
        Assert.DoesNotContain(OpType.Reshape, Ops(r.Model));
        Assert.Contains(r.Model.Operators, o => o.Type == OpType.Activation && o.ActivationOptions.Kind == ActivationKind.Gelu);
    }

    [Fact]
    public void ConvNeXt_block_with_the_onnx_layer_normalization_operator_runs_in_int8()
    {
        var original = PyTorchOperatorModels.Import("convnext_block_opset17");
        Assert.Equal(5, PassAssert.Count(original, "LayerNormalization"));
        var graph = Passed("convnext_block_opset17");
        Assert.Equal(0, PassAssert.Count(graph, "Transpose"));
        Assert.Equal(5, PassAssert.Count(graph, "ChannelLayerNorm"));

        var r = PyTorchOperatorModels.FloatVsInt8("convnext_block_opset17");
        Assert.True(r.SqnrDb > 25, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal(5, Ops(r.Model).Count(t => t == OpType.LayerNorm));
    }

    [Fact]
    public void F_normalize_on_feature_maps_and_embeddings_is_l2_norm()
    {
        var graph = Passed("l2_normalize");
        Assert.Equal(2, PassAssert.Count(graph, "ChannelL2Norm"));
        Assert.Equal(0, PassAssert.Count(graph, "ReduceL2"));

        var r = PyTorchOperatorModels.FloatVsInt8("l2_normalize");
        Assert.True(r.SqnrDb > 30, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal(2, Ops(r.Model).Count(t => t == OpType.L2Norm));
    }

    [Fact]
    public void Softmax_probabilities_can_be_reshaped()
    {
        var r = PyTorchOperatorModels.FloatVsInt8("softmax_reshape");
        Assert.True(r.SqnrDb > 30, $"SQNR {r.SqnrDb:F1} dB");
        Assert.Equal([OpType.Softmax, OpType.Reshape], Ops(r.Model)[^2..]);
        var output = r.Model.Tensors[r.Model.Outputs[0]];
        Assert.Equal(ElementType.Float32, output.Type);
        Assert.Equal([1, 1, 1, 12], output.Shape);
    }
}
