using EdgeCnn.Converter.Tests.Cli;
using EdgeCnn.Fuzz;

namespace EdgeCnn.Converter.Tests.Reliability;

/// <summary>
/// A deterministic slice of tools/fuzz in every test run: 2,000 mutated inputs per loader (seed 1),
/// in child processes of 1,000 inputs under the watchdog, with allocation accounting. Any crash,
/// hang, undocumented exception or oversized allocation fails the test and is saved for replay
/// (edgecnn-fuzz --target T --replay FILE). Long runs: tools/fuzz/README.md.
/// </summary>
public class FuzzSliceTests
{
    public static TheoryData<string> Targets => new() { "ecnn", "onnx", "tflite", "image" };

    [Theory]
    [MemberData(nameof(Targets))]
    public void TwoThousandMutatedInputsPassWithoutCrashHangOrUndocumentedException(string target)
    {
        string failures = Path.Combine(Path.GetTempPath(), $"edgecnn-fuzz-slice-{target}-{Guid.NewGuid():N}");
        var report = Supervisor.Run(new FuzzOptions
        {
            Target = target,
            Iterations = 2000,
            Seed = 1,
            BatchSize = 1000,
            InputTimeout = FuzzTarget.DefaultTimeout(target),
            MaxAllocatedBytes = FuzzTarget.DefaultAllocationLimit(target),
            FailureDirectory = failures,
            RepositoryRoot = RepoFiles.Root,
            SharedRoot = null, // the slice uses the repository's seeds only
        });

        Assert.True(report.FailureCount == 0,
            report.Summary() + "\n" + string.Join("\n", report.Failures.Select(f => $"input {f.Index}: {f.Kind}: {f.Detail} ({f.SavedAs})")));
        Assert.Equal(2000, report.Total);
        // Reach: some mutants must get through the loader and run, or the slice tests only the first checks.
        Assert.True(report.Counts[OutcomeKind.Accepted] >= 50, report.Summary());
        if (Directory.Exists(failures)) Directory.Delete(failures, recursive: true);
    }
}
