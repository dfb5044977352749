using System.Runtime.CompilerServices;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// The NativeAOT proof: CameraClassifier published with NativeAOT for linux-x64 (tools/device/publish-aot.sh)
/// and for the two Raspberry Pi boards (tools/publish-pi.sh: linux-arm64, run under qemu-aarch64 on each
/// board's CPU without a camera): zero trim/AOT warnings, binary within 4.5 MiB, the same predictions as
/// the x64 JIT build. It takes minutes, so it runs when EDGECNN_AOT_TEST=1 (./test.sh sets it) and
/// otherwise says why it did not. One class: the publishes share obj/ and must not run side by side.
/// </summary>
public sealed class AotPublishTests(ITestOutputHelper output)
{
    [AotFact]
    public void Native_aot_build_has_no_warnings_and_predicts_like_the_jit_build()
    {
        string script = Path.Combine(Tools.RepositoryRoot, "tools", "device", "publish-aot.sh");
        var arguments = new List<string> { script };
        if (Environment.GetEnvironmentVariable("EDGECNN_AOT_MODEL") is { Length: > 0 } model) arguments.AddRange(["--model", model]);
        if (Environment.GetEnvironmentVariable("EDGECNN_AOT_IMAGES") is { Length: > 0 } images) arguments.AddRange(["--images", images]);
        string stdout = RunScript(arguments);
        Assert.Contains("trim/AOT warnings: 0", stdout);
        Assert.Contains("publish-aot: OK", stdout);
    }

    /// <summary>
    /// Both board binaries under qemu on their CPUs; the Pi 4 binary once more on the Pi 5's CPU, where
    /// docs/deploy.md says it uses the dot-product (SDOT) kernels too (ILC compiles Dp as an optional
    /// instruction set checked at run time), and the Pi 5 binary refusing to start on a Pi 4's CPU.
    /// </summary>
    [AotFact]
    public void Raspberry_pi_4_and_5_binaries_have_no_warnings_and_predict_like_the_jit_build()
    {
        string script = Path.Combine(Tools.RepositoryRoot, "tools", "publish-pi.sh");
        string folder = Path.Combine(Path.GetTempPath(), $"edgecnn-pi-{Environment.ProcessId}");
        try
        {
            string stdout = RunScript([script, "--out", folder]);
            Assert.Equal(2, stdout.Split('\n').Count(l => l == "trim/AOT warnings: 0"));
            Assert.Equal(2, stdout.Split('\n').Count(l => l == "publish-aot: OK"));
            string crossRun = stdout.Split('\n').Single(l => l.StartsWith("pi4 binary on cortex-a76: cpu: "));
            Assert.Contains("NeonDot=1", crossRun);
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith("pi4 binary on cortex-a76: classified 2 image(s)"));
            Assert.Contains("pi5 binary on cortex-a72: The required instruction sets are not supported", stdout);
            Assert.Contains("publish-pi: OK", stdout);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private string RunScript(List<string> arguments)
    {
        var (code, stdout, stderr) = Tools.Run("bash", arguments, timeoutMs: 25 * 60_000);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(code == 0, $"{Path.GetFileName(arguments[0])} failed ({code}):\n{stdout}\n{stderr}");
        return stdout;
    }
}

/// <summary>Runs only when EDGECNN_AOT_TEST=1 (test.sh sets it); otherwise reported as skipped, with why.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Environment.GetEnvironmentVariable("EDGECNN_AOT_TEST") != "1")
            Skip = "set EDGECNN_AOT_TEST=1 to publish CameraClassifier with NativeAOT for linux-x64 and the Raspberry Pi 4 and 5 (takes minutes); ./test.sh sets it";
    }
}
