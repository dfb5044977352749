using System.Diagnostics;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// Compiles tools/device/abi-probe.c against the kernel headers for x86_64 and aarch64 and checks
/// that every struct size, field offset, ioctl number and constant equals what the C# layer uses.
/// </summary>
public sealed class AbiProbeTests(ITestOutputHelper output)
{
    [Fact]
    public void X86_64_layout_matches_the_kernel_headers() => Compare("gcc", [], runner: null);

    [Fact]
    public void Aarch64_layout_matches_the_kernel_headers() => Compare("aarch64-linux-gnu-gcc", ["-static"], runner: "qemu-aarch64");

    [Fact]
    public void Ioctl_encoding_matches_hand_computed_values()
    {
        var facts = CSharpAbi.Collect();
        // Independent of the probe: _IOWR('V', 15, 88 bytes) = dir 3 << 30 | 88 << 16 | 'V' << 8 | 15.
        Assert.Equal(0xC058560FL, facts["ioctl.VIDIOC_QBUF"]);
        Assert.Equal(0x40045612L, facts["ioctl.VIDIOC_STREAMON"]);
        Assert.Equal(592, facts["sizeof.gpio_v2_line_request"]);
    }

    private void Compare(string compiler, string[] flags, string? runner)
    {
        if (!OperatingSystem.IsLinux()) { output.WriteLine("SKIPPED: not Linux"); return; }
        string? compilerPath = Tools.Find(compiler);
        if (compilerPath is null) { output.WriteLine($"SKIPPED: {compiler} is not installed (test.sh installs it)"); return; }
        string? runnerPath = runner is null ? null : Tools.Find(runner);
        if (runner is not null && runnerPath is null) { output.WriteLine($"SKIPPED: {runner} is not installed (package qemu-user)"); return; }

        string source = Path.Combine(Tools.RepositoryRoot, "tools", "device", "abi-probe.c");
        string binary = Path.Combine(Path.GetTempPath(), $"edgecnn-abi-probe-{compiler}-{Environment.ProcessId}");
        try
        {
            var (compileCode, _, compileErr) = Tools.Run(compilerPath, [.. flags, "-O1", "-Wall", "-o", binary, source]);
            Assert.True(compileCode == 0, $"{compiler} failed: {compileErr}");
            var (runCode, probeOut, runErr) = runnerPath is null ? Tools.Run(binary, []) : Tools.Run(runnerPath, [binary]);
            Assert.True(runCode == 0, $"probe failed: {runErr}");

            var probe = Parse(probeOut);
            var csharp = CSharpAbi.Collect();
            var mismatches = new List<string>();
            foreach (var (name, value) in probe)
            {
                if (!csharp.TryGetValue(name, out long ours)) mismatches.Add($"{name}: C has {value}, C# has no value");
                else if (ours != value) mismatches.Add($"{name}: C has {value}, C# has {ours}");
            }
            foreach (var name in csharp.Keys.Where(k => !probe.ContainsKey(k))) mismatches.Add($"{name}: C# has a value the probe does not print");
            output.WriteLine($"{compiler}: compared {probe.Count} values");
            Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
            Assert.True(probe.Count > 150, $"the probe printed only {probe.Count} values");
        }
        finally
        {
            File.Delete(binary);
        }
    }

    private static Dictionary<string, long> Parse(string text)
    {
        var values = new Dictionary<string, long>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            Assert.Equal(2, parts.Length);
            // ioctl numbers are unsigned long; compare them as the 64-bit pattern C# holds in nuint.
            values.Add(parts[0], parts[1].StartsWith('-') ? long.Parse(parts[1]) : (long)ulong.Parse(parts[1]));
        }
        return values;
    }
}
