using System.Diagnostics;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Every x86 path runs on this machine: the kernel tests run again in child test processes with the
/// runtime's ISA switches turned off (ImageSharp's FeatureTestRunner idea), so dispatch falls back to
/// AVX2, to portable Vector128, and to the scalar reference, and each fallback is tested for exactness.
/// Each child also reports what it could run, and the parent asserts that the switch really took.
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
        {
            output.WriteLine($"this CPU has no {disabledIsa}: switching it off tests nothing new ({IsaSupport.Describe()})");
            return;
        }
        string expectedGemm = ExpectedGemm(disabledIsas);
        string reportPath = Path.Combine(Path.GetTempPath(), $"edgecnn-isa-{Environment.ProcessId}-{variable.Replace('+', '-')}.txt");
        File.Delete(reportPath);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("test");
        start.ArgumentList.Add(typeof(IsaConfigurationTests).Assembly.Location);
        start.ArgumentList.Add("--filter");
        start.ArgumentList.Add("FullyQualifiedName~EdgeCnn.Runtime.Tests.Kernels&FullyQualifiedName!~KernelTestsPassWithAnIsaSwitchedOff");
        foreach (string name in variable.Split('+'))
        {
            start.Environment[name] = "0";
            if (name == "DOTNET_EnableAVX512F") start.Environment["DOTNET_EnableAVX512"] = "0";
        }
        start.Environment[ChildMarker] = reportPath;
        var watch = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = child.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await child.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"{variable}=0: child test run did not finish in 3 minutes");
        }
        string log = await stdout + await stderr;
        output.WriteLine($"{variable}=0: exit {child.ExitCode} in {watch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(string.Join('\n', log.Split('\n').Where(l => l.Contains("Passed!") || l.Contains("Failed") || l.Contains("error"))));
        Assert.True(child.ExitCode == 0, $"{variable}=0: kernel tests failed in the child process:\n{log}");

        Assert.True(File.Exists(reportPath), $"{variable}=0: the child did not report its ISA configuration");
        string report = File.ReadAllText(reportPath);
        File.Delete(reportPath);
        output.WriteLine($"child: {report}");
        Assert.Contains($"{disabledIsa}=0", report);
        Assert.Contains($"gemm={expectedGemm} ", report);
    }
}
