using EdgeCnn.Converter.Tests.Cli;

namespace EdgeCnn.Converter.Tests.Reliability;

/// <summary>
/// The fuzzer's converter findings (../shared/reliability, copied to Cli/Data/reliability): each is one
/// "edgecnn: ..." line naming the layer, exit 1, and no file written. Before, they exited 0 with a model
/// that could not run, or 3 with "internal error (ArgumentException)".
/// </summary>
public sealed class ConvertFailureTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"edgecnn-reliability-{Guid.NewGuid():N}");

    public ConvertFailureTests()
    {
        // Two small photos for calibration (any images reach these failures).
        string images = Path.Combine(_folder, "calibration");
        Directory.CreateDirectory(images);
        foreach (var name in new[] { "jpeg_color.jpg", "jpeg_gray.jpg" })
            File.Copy(Path.Combine(RepoFiles.Root, "tests", "EdgeCnn.Runtime.Tests", "Imaging", "Data", name), Path.Combine(images, name));
    }

    public static string Reproducer(string name) => RepoFiles.TestData(Path.Combine("reliability", name));

    [Theory]
    [InlineData("convert-writes-unrunnable-model.onnx", "0", "'/fc1/Gemm'", "multiplier")]
    [InlineData("convert-writes-unrunnable-model.onnx", "2", "'/fc1/Gemm'", "multiplier")]
    [InlineData("maxpool-padding-ge-kernel.onnx", "0", "'MaxPool_0'", "padding must be smaller than the kernel")]
    [InlineData("avgpool-padding-ge-kernel.onnx", "0", "'AveragePool_0'", "padding must be smaller than the kernel")]
    [InlineData("graph-without-outputs.onnx", "0", "no outputs", "no outputs")]
    public void AConverterFailureIsOneLineNamingTheLayerAndWritesNothing(string file, string reportCount, string layer, string reason)
    {
        string output = Path.Combine(_folder, "out.ecnn");
        var r = Cli.Cli.Run("convert", Reproducer(file), "-o", output, "--calibration", Path.Combine(_folder, "calibration"),
            "--calibration-count", "2", "--report-count", reportCount);
        string line = r.AssertOneLineError();
        Assert.Contains(layer, line);
        Assert.Contains(reason, line);
        Assert.DoesNotContain("internal error", line);
        Assert.False(File.Exists(output), "a failed conversion must not write the output");
        Assert.Single(Directory.GetFileSystemEntries(_folder)); // no temporary file left behind either
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
