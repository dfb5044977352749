using EdgeCnn.Converter.Tests.Cli;
using EdgeCnn.Converter.Tests.Tflite;

namespace EdgeCnn.Converter.Tests.Reliability;

/// <summary>eval and classify refuse a model and data that do not fit, instead of printing top-1 0.0000 and exiting 0.</summary>
public sealed class DatasetMismatchTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"edgecnn-mismatch-{Guid.NewGuid():N}");

    public DatasetMismatchTests() => Directory.CreateDirectory(_folder);

    [SharedDataFact]
    public void AColorImageNetModelOnFashionMnistIsAClearError()
    {
        if (!FashionMnistFactAttribute.Available) return; // the data set is part of the mismatch
        string model = Path.Combine(_folder, "mnv1.ecnn");
        var convert = Cli.Cli.Run("convert", SharedData.CoralModel("mobilenet_v1_0.25_128_quant.tflite"), "-o", model);
        Assert.True(convert.ExitCode == 0, convert.Error);
        var r = Cli.Cli.Run("eval", model, "--dataset", "fashion-mnist", "--limit", "5");
        string line = r.AssertOneLineError();
        Assert.Contains("128x128x3", line);
        Assert.Contains("grayscale", line);
    }

    [FashionMnistFact]
    public void AnOnnxModelWithTooFewOutputsForTheLabelsIsAClearError()
    {
        var r = Cli.Cli.Run("eval", RepoFiles.FashionMnistOnnx, "--dataset", "fashion-mnist", "--limit", "5", "--label-offset", "1");
        string line = r.AssertOneLineError();
        Assert.Contains("10 outputs", line);
        Assert.Contains("--label-offset", line);
    }

    [SharedDataFact]
    public void ClassifyWithASegmentationModelIsAClearError()
    {
        string model = Path.Combine(_folder, "deeplab.ecnn");
        var convert = Cli.Cli.Run("convert", SharedData.CoralModel("deeplabv3_mnv2_dm05_pascal_quant.tflite"), "-o", model);
        Assert.True(convert.ExitCode == 0, convert.Error);
        var r = Cli.Cli.Run("classify", model, Path.Combine(RepoFiles.Root, "models", "samples", "cat.bmp"));
        Assert.Contains("not one vector of class scores", r.AssertOneLineError());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
