using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Tests.Conformance;

namespace EdgeCnn.Converter.Tests.Onnx.Passes;

/// <summary>The standard passes on ONNX's light models: the optimized graph still gives ONNX's expected output.</summary>
public sealed class RealModelPassTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("light_shufflenet")]
    [InlineData("light_squeezenet")]
    public void Standard_passes_keep_the_expected_output(string model)
    {
        var graph = OnnxImporter.ImportFile(Path.Combine(ConformanceData.ModelDirectory, model + ".onnx"));
        int nodesBefore = graph.Nodes.Count;
        var summary = StandardPasses.Run(graph);
        output.WriteLine($"{model}: {nodesBefore} -> {graph.Nodes.Count} nodes; {summary}");
        Assert.DoesNotContain(graph.Nodes, n => n.OpType is "BatchNormalization" or "Dropout" or "Identity" or "ConstantOfShape" or "Unsqueeze");
        Assert.All(graph.Values.Values, v => Assert.True(v.HasStaticShape, $"{v} has no static shape"));

        var inputs = graph.Inputs.ToDictionary(n => n, n => ModelConformanceTests.Arange(graph.GetValue(n)));
        var actual = new FloatExecutor(graph).Run(inputs)[graph.Outputs[0]];
        var expected = ConformanceData.ReadTensor(Path.Combine(ConformanceData.ModelDirectory, model + "_output_0.pb"));
        var problem = TensorComparison.Compare(expected, actual, rtol: 1e-3, atol: 1e-6);
        Assert.True(problem is null, problem);
    }
}
