using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tests.Cli;
using EdgeCnn.Imaging;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>
/// The committed Fashion-MNIST model on the whole 10,000-image test split: float (reference executor)
/// top-1 >= 0.91, and int8 (converted with 200 training images of calibration, run by the runtime)
/// within 0.5 points of float.
/// </summary>
public class FashionMnistAccuracyTests(ITestOutputHelper output)
{
    [FashionMnistFact]
    public void CommittedModel_FloatAbove91_Int8WithinHalfAPoint()
    {
        var test = FashionMnist.Load(split: "t10k");
        Assert.Equal(10_000, test.Count);

        var graph = OnnxImporter.ImportFile(RepoFiles.FashionMnistOnnx);
        StandardPasses.Run(graph);
        var executor = new FloatExecutor(graph);
        string input = graph.Inputs[0], logits = graph.Outputs[0];
        int floatCorrect = 0;
        var pixels = new float[28 * 28];
        for (int i = 0; i < test.Count; i++)
        {
            var image = test.Pixels(i);
            for (int k = 0; k < pixels.Length; k++) pixels[k] = image[k] / 255f;
            var scores = executor.Run(new Dictionary<string, Tensor> { [input] = new Tensor([1, 1, 28, 28], (float[])pixels.Clone()) })[logits];
            if (QuantizationReport.ArgMax(scores.AsFloats()) == test.Label(i)) floatCorrect++;
        }
        double floatTop1 = floatCorrect / (double)test.Count;

        var converted = OnnxConversion.Convert(RepoFiles.FashionMnistOnnx, new OnnxConversionOptions
        {
            Calibration = FashionMnist.Load(split: "train", limit: 200),
            CalibrationCount = 200,
            ReportCount = 0,
        });
        using var model = EdgeModel.FromDefinition(converted.Model);
        using var session = model.CreateSession();
        var preprocessor = new ImagePreprocessor(model.Metadata.Preprocessing, session.InputShape, session.InputScale, session.InputZeroPoint);
        int int8Correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            preprocessor.Process(test.Pixels(i), 28, 28, 1, 28, session.InputBuffer);
            if (QuantizationReport.ArgMax(session.Run()) == test.Label(i)) int8Correct++;
        }
        double int8Top1 = int8Correct / (double)test.Count;

        output.WriteLine($"Fashion-MNIST test split (10,000): float top-1 {floatTop1:F4}, int8 top-1 {int8Top1:F4} (minmax, 200 calibration images)");
        Assert.True(floatTop1 >= 0.91, $"float top-1 {floatTop1:F4}");
        Assert.True(Math.Abs(floatTop1 - int8Top1) <= 0.005, $"int8 top-1 {int8Top1:F4} vs float {floatTop1:F4}");
        Assert.Equal(ChannelOrder.Rgb, model.Metadata.Preprocessing!.ChannelOrder);
        Assert.Equal([1, 28, 28, 1], model.Metadata.InputShape);
    }
}
