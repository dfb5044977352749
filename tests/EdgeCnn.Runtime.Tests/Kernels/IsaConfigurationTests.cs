using System.Diagnostics;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Every ISA path runs where the CPU has it: the kernel and golden-output tests run again in child test
/// processes with the runtime's ISA switches turned off (ImageSharp's FeatureTestRunner idea), so
/// dispatch falls back (x64: to AVX2, portable Vector128 and the scalar reference; arm64: from dot
/// product to plain NEON, and to the scalar reference), and each fallback is tested for exactness.
/// Each child also reports what it could run, and the parent asserts that the switch really took.
/// A row whose ISA this CPU lacks is reported as skipped, with why.
/// </summary>
public class IsaConfigurationTests(ITestOutputHelper output)
{
    private const string ChildMarker = "EDGECNN_ISA_CHILD_REPORT";

    public static TheoryData<string, string, string> Configurations => new()
    {
        // switches (joined by +), the ISA the switch must turn off, every ISA it turns off (joined by +)
        // .NET 10 reads DOTNET_EnableAVX512 (one switch for the AVX-512 family); older runtimes read EnableAVX512F.
        { "DOTNET_EnableAVX512F", "Avx512BW", "Avx512BW" },
        { "DOTNET_EnableAVXVNNI", "AvxVnni", "AvxVnni" },
        { "DOTNET_EnableAVX512F+DOTNET_EnableAVXVNNI", "AvxVnni", "Avx512BW+AvxVnni" },
        { "DOTNET_EnableAVX2", "Avx2", "Avx2+AvxVnni+Avx512BW+Vector256" },
        { "DOTNET_EnableHWIntrinsic", "Vector128", "Vector128+Vector256+Avx2+AvxVnni+Avx512BW+Neon+NeonDot" },
        // arm64 (the Cortex-A76 leg: a Pi 5 without its dot product falls back to the NEON GEMM).
        { "DOTNET_EnableArm64Dp", "NeonDot", "NeonDot" },
    };

    /// <summary>The GEMM kernel dispatch must pick once the given ISAs are off ("" = the reference).</summary>
    private static string ExpectedGemm(string disabled)
    {
        var off = disabled.Split('+').Select(Enum.Parse<KernelIsa>).ToHashSet();
        return KernelTable.Gemm.FirstOrDefault(k => k.Info.IsSupported && !off.Contains(k.Info.Isa))?.Info.Name ?? "";
    }

    /// <summary>In a child process: writes what this process runs; in the parent: records it.</summary>
    [Fact]
    public void ReportIsaConfiguration()
    {
        string report = $"{IsaSupport.Describe()} gemm={KernelTable.BestGemm()?.Info.Name ?? ""} depthwise={KernelTable.BestDepthwise()?.Info.Name ?? ""}";
        output.WriteLine(report);
        if (Environment.GetEnvironmentVariable(ChildMarker) is { Length: > 0 } path) File.WriteAllText(path, report);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task KernelTestsPassWithAnIsaSwitchedOff(string variable, string disabledIsa, string disabledIsas)
    {
        if (Environment.GetEnvironmentVariable(ChildMarker) is { Length: > 0 }) return; // no grandchildren
        if (!IsaSupport.IsSupported(Enum.Parse<KernelIsa>(disabledIsa)))
            Assert.Skip($"this CPU has no {disabledIsa}: switching it off tests nothing new ({TestChildProcess.Describe()}: {IsaSupport.Describe()})");
        // Under qemu: all intrinsics off is the same scalar code on every arm64 CPU, so one leg runs it.
        if (TestChildProcess.Qemu is not null && variable == "DOTNET_EnableHWIntrinsic" && TestChildProcess.QemuCpu != "cortex-a72")
            Assert.Skip($"all hardware intrinsics off is the same scalar path on every arm64 CPU: the cortex-a72 leg runs it ({TestChildProcess.Describe()})");
        string expectedGemm = ExpectedGemm(disabledIsas);
        string reportPath = Path.Combine(Path.GetTempPath(), $"edgecnn-isa-{Environment.ProcessId}-{variable.Replace('+', '-')}.txt");
        File.Delete(reportPath);
        var start = TestChildProcess.ForNamespaces(typeof(IsaConfigurationTests).Namespace!, typeof(Golden.GoldenOutputTests).Namespace!);
        foreach (string name in variable.Split('+'))
        {
            start.Environment[name] = "0";
            if (name == "DOTNET_EnableAVX512F") start.Environment["DOTNET_EnableAVX512"] = "0";
        }
        start.Environment[ChildMarker] = reportPath;
        if (TestChildProcess.Qemu is not null) start.Environment["EDGECNN_GOLDEN_MODELS"] = "golden_net";
        var watch = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        // Under qemu every instruction is emulated: the child's kernel and golden tests take minutes there.
        var limit = TimeSpan.FromMinutes(TestChildProcess.Qemu is null ? 5 : 30);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"{variable}=0: child test run did not finish in {limit.TotalMinutes} minutes");
        }
        string log = await stdout + await stderr;
        output.WriteLine($"{variable}=0: exit {child.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("Total:") || l.Contains("[FAIL]") || l.Contains("error"))));
        Assert.True(child.ExitCode == 0, $"{variable}=0: kernel tests failed in the child process:\n{log}");

        Assert.True(File.Exists(reportPath), $"{variable}=0: the child did not report its ISA configuration");
        string report = File.ReadAllText(reportPath);
        File.Delete(reportPath);
        output.WriteLine($"child: {report}");
        Assert.Contains($"{disabledIsa}=0", report);
        Assert.Contains($"gemm={expectedGemm} ", report);
    }
}
