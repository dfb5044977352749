using System.Runtime.CompilerServices;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// The NativeAOT proof (tools/device/publish-aot.sh): publish, zero trim/AOT warnings, size budget,
/// identical predictions to the JIT build. It takes minutes, so it runs when EDGECNN_AOT_TEST=1
/// (CI sets it) and otherwise says why it did not.
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
        var (code, stdout, stderr) = Tools.Run("bash", arguments, timeoutMs: 15 * 60_000);
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(code == 0, $"publish-aot.sh failed ({code}):\n{stdout}\n{stderr}");
        Assert.Contains("trim/AOT warnings: 0", stdout);
        Assert.Contains("publish-aot: OK", stdout);
    }
}

/// <summary>Runs only when EDGECNN_AOT_TEST=1 (test.sh sets it); otherwise reported as skipped, with why.</summary>
public sealed class AotFactAttribute : FactAttribute
{
    public AotFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Environment.GetEnvironmentVariable("EDGECNN_AOT_TEST") != "1")
            Skip = "set EDGECNN_AOT_TEST=1 to publish CameraClassifier with NativeAOT (takes a few minutes); ./test.sh sets it";
    }
}
