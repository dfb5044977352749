using System.Runtime.CompilerServices;
using EdgeCnn.Cli;
using EdgeCnn.Converter.Datasets;

namespace EdgeCnn.Converter.Tests.Cli;

/// <summary>Files of the repository the tests read (found by walking up from the test binaries).</summary>
public static class RepoFiles
{
    public static string Root { get; } = Locate();

    public static string FashionMnistOnnx => Path.Combine(Root, "models", "fashion_mnist", "fashion_mnist_cnn.onnx");
    public static string FashionMnistLabels => Path.Combine(Root, "models", "fashion_mnist", "labels.txt");
    public static string TestData(string name) => Path.Combine(Root, "tests", "EdgeCnn.Converter.Tests", "Cli", "Data", name);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "models", "fashion_mnist")) && Directory.Exists(Path.Combine(dir.FullName, "tests")))
                return dir.FullName;
        throw new InvalidOperationException($"repository root (with models/fashion_mnist) not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact skipped, with the reason, when Debian's dataset-fashion-mnist is not installed.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public static bool Available => File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte.gz"))
        || File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "t10k-images-idx3-ubyte"));

    public FashionMnistFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (!Available) Skip = $"Fashion-MNIST not found in {FashionMnist.DefaultDirectory} (apt-get install dataset-fashion-mnist; tools/install-test-deps.sh does)";
    }
}

/// <summary>What one in-process run of the edgecnn command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Asserts the run failed with exactly one "edgecnn: ..." line on stderr and no stack trace.</summary>
    public string AssertOneLineError(int exitCode = CliApp.UserError)
    {
        Assert.True(ExitCode == exitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}");
        // Progress bars ("calibrating [####....] 2/2") are not messages.
        var lines = ErrorLines.Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^(\r?\w+ \[[#.]+\] \d+/\d+)+$")).ToArray();
        Assert.Single(lines);
        Assert.StartsWith("edgecnn: ", lines[0]);
        Assert.DoesNotContain("   at ", Error);
        Assert.DoesNotContain("Exception", lines[0]);
        return lines[0];
    }
}

public static class Cli
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>
/// One conversion of the committed Fashion-MNIST model shared by the command tests, and a few test
/// images (PGM) with a labels.tsv, all in a temporary folder.
/// </summary>
public sealed class ConvertedFashionMnist : IDisposable
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"edgecnn-cli-{Guid.NewGuid():N}");
    public string Model => Path.Combine(Folder, "fashion.ecnn");
    public string Report => Path.Combine(Folder, "report.json");
    public string Images => Path.Combine(Folder, "images");
    public CliResult? Conversion { get; }
    public int[] Labels { get; } = [];

    public ConvertedFashionMnist()
    {
        Directory.CreateDirectory(Images);
        if (!FashionMnistFactAttribute.Available) return;
        Conversion = Cli.Run("convert", RepoFiles.FashionMnistOnnx, "-o", Model, "--calibration", "fashion-mnist",
            "--calibration-count", "40", "--report-count", "10", "--labels", RepoFiles.FashionMnistLabels, "--report", Report);
        var test = FashionMnist.Load(split: "t10k", limit: 6);
        Labels = new int[test.Count];
        var tsv = new List<string>();
        for (int i = 0; i < test.Count; i++)
        {
            string name = $"item{i}.pgm";
            File.WriteAllBytes(Path.Combine(Images, name), [.. "P5\n28 28\n255\n"u8.ToArray(), .. test.Pixels(i)]);
            Labels[i] = test.Label(i);
            tsv.Add($"{name}\t{test.Label(i)}");
        }
        File.WriteAllLines(Path.Combine(Images, "labels.tsv"), tsv);
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
