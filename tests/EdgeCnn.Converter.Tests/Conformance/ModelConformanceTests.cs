using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;

namespace EdgeCnn.Converter.Tests.Conformance;

/// <summary>
/// ONNX's "light" model tests (AlexNet, DenseNet-121, Inception v1/v2, ResNet-50, ShuffleNet, SqueezeNet,
/// VGG-19, ZFNet-512 with ConstantOfShape weights), vendored under Data/onnx/models. The input is
/// arange(n)/n in the input's shape (unknown dims 1); the output must match within rtol 1e-3.
/// </summary>
public sealed class ModelConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => new(ConformanceData.ModelNames().Where(n => !n.EndsWith("_output_0")));

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_matches_expected_output(string model)
    {
        var graph = OnnxImporter.ImportFile(Path.Combine(ConformanceData.ModelDirectory, model + ".onnx"));
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in graph.Inputs) inputs[name] = Arange(graph.GetValue(name));
        var outputs = new FloatExecutor(graph).Run(inputs);
        var expected = ConformanceData.ReadTensor(Path.Combine(ConformanceData.ModelDirectory, model + "_output_0.pb"));
        var problem = TensorComparison.Compare(expected, outputs[graph.Outputs[0]], rtol: 1e-3, atol: 1e-6);
        string line = $"ONNX model {model}: {(problem is null ? "passed" : "FAILED " + problem)}";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(problem is null, line);
    }

    /// <summary>arange(n) / n shaped like the input, unknown dims taken as 1.</summary>
    internal static Tensor Arange(GraphValue input)
    {
        var shape = Array.ConvertAll(input.Shape ?? [], d => d < 0 ? 1 : d);
        int n = (int)Tensor.ElementCount(shape);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)i / n;
        return new Tensor(shape, data);
    }
}
