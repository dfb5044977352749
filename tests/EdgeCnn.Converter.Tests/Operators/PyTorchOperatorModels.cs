using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Lowering;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tests.Conformance;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Operators;

/// <summary>
/// The small PyTorch models of Data/onnx/operators (tools/export/export_operator_models.py: random
/// weights, seed 0, opset 13, input [1, 3, 32, 32]) and a float-vs-int8 runner for whole ONNX files.
/// </summary>
internal static class PyTorchOperatorModels
{
    public static string Path(string name) =>
        System.IO.Path.Combine(ConformanceData.NodeDirectory, "..", "operators", name + ".onnx");

    public static ModelGraph Import(string name) => OnnxImporter.ImportFile(Path(name));

    public static Tensor RandomInput(Random random) =>
        new([1, 3, 32, 32], Enumerable.Range(0, 3 * 32 * 32).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());

    /// <summary>Passes, calibration on <paramref name="samples"/> seeded inputs, lowering; then float and int8 on the same inputs.</summary>
    public static (double SqnrDb, int Agreements, int Samples, EcnnModel Model, ModelGraph Graph) FloatVsInt8(string name, int samples = 12)
    {
        var graph = Import(name);
        StandardPasses.Run(graph);
        var random = new Random(7);
        var inputs = Enumerable.Range(0, samples).Select(_ => RandomInput(random)).ToArray();
        var calibration = Calibrator.Run(graph, samples, i => inputs[i], new CalibrationOptions());
        var lowered = Int8Lowering.Lower(graph, calibration);
        using var model = EdgeModel.FromDefinition(lowered.Model);
        using var session = model.CreateSession();
        var executor = new FloatExecutor(graph);
        double signal = 0, noise = 0;
        int agree = 0;
        foreach (var x in inputs)
        {
            var expected = QuantizationReport.ToNhwc(executor.Run(new Dictionary<string, Tensor> { [graph.Inputs[0]] = x })[graph.Outputs[0]]);
            var actual = session.Run<float>(QuantizationReport.ToNhwc(x), session.InputShape).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                signal += (double)expected[i] * expected[i];
                noise += (double)(expected[i] - actual[i]) * (expected[i] - actual[i]);
            }
            if (QuantizationReport.ArgMax(expected) == QuantizationReport.ArgMax(actual)) agree++;
        }
        return (QuantizationReport.Sqnr(signal, noise), agree, samples, lowered.Model, graph);
    }
}
