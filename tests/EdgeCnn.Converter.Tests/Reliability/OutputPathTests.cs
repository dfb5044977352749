using EdgeCnn.Cli.Output;
using EdgeCnn.Converter.Tests.Cli;

namespace EdgeCnn.Converter.Tests.Reliability;

/// <summary>Outputs never replace an input, are checked before calibration, and appear whole or not at all.</summary>
public sealed class OutputPathTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"edgecnn-outputs-{Guid.NewGuid():N}");

    public OutputPathTests() => Directory.CreateDirectory(_folder);

    private string CopyOfTinyModel()
    {
        string model = Path.Combine(_folder, "model.onnx");
        File.Copy(RepoFiles.FashionMnistOnnx, model);
        return model;
    }

    [Fact]
    public void ConvertingAModelOntoItselfIsRefusedAndTheModelIsKept()
    {
        string model = CopyOfTinyModel();
        var before = File.ReadAllBytes(model);
        var r = Cli.Cli.Run("convert", model, "-o", model, "--calibration", "fashion-mnist");
        Assert.Contains("is the input file", r.AssertOneLineError());
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void AnOutputThatIsASymbolicLinkToTheInputIsRefused()
    {
        string model = CopyOfTinyModel();
        string link = Path.Combine(_folder, "link.ecnn");
        File.CreateSymbolicLink(link, model);
        var r = Cli.Cli.Run("convert", model, "-o", link, "--calibration", "fashion-mnist");
        Assert.Contains("is the input file", r.AssertOneLineError());
    }

    [Fact]
    public void AReportOntoTheLabelFileIsRefused()
    {
        string model = CopyOfTinyModel();
        string labels = Path.Combine(_folder, "labels.txt");
        File.Copy(RepoFiles.FashionMnistLabels, labels);
        var r = Cli.Cli.Run("convert", model, "-o", Path.Combine(_folder, "m.ecnn"), "--labels", labels, "--report", labels, "--calibration", "fashion-mnist");
        Assert.Contains("--report", r.AssertOneLineError());
    }

    [Theory]
    [InlineData("/proc/x.ecnn", "cannot write")]
    [InlineData("/nonexistent-edgecnn-folder/x.ecnn", "does not exist")]
    public void AnUnwritableOutputFolderIsFoundBeforeCalibration(string output, string reason)
    {
        // A calibration folder that does not exist: if the output were checked after calibration, the
        // error would be about the calibration data instead.
        var r = Cli.Cli.Run("convert", CopyOfTinyModel(), "-o", output, "--calibration", Path.Combine(_folder, "missing-calibration"));
        string line = r.AssertOneLineError();
        Assert.Contains("--output", line);
        Assert.Contains(reason, line);
    }

    [Fact]
    public void WritingReplacesTheTargetWholeAndLeavesNoTemporaryFile()
    {
        string target = Path.Combine(_folder, "out.bin");
        File.WriteAllBytes(target, new byte[1000]);
        OutputFile.WriteBytes(target, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(target));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Theory]
    [InlineData("classify")]
    [InlineData("bench")]
    public void ThreadCountsOutsideTheBoundAreOneLineNamingTheBound(string command)
    {
        string[] images = command == "classify" ? [Path.Combine(_folder, "none.png")] : [];
        var r = Cli.Cli.Run([command, Path.Combine(_folder, "none.ecnn"), .. images, "--threads", "100000"]);
        string line = r.AssertOneLineError();
        Assert.Contains("between 1 and 64", line);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
