using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Starts this test assembly again as a child process with some tests selected (the xunit.v3 runner
/// built into the test executable), on the same CPU as this process. On x64 that is `dotnet
/// EdgeCnn.Runtime.Tests.dll`. The linux-arm64 legs of ./test.sh run the tests under qemu-aarch64 with
/// no binfmt registration, so there the child is started through the host's qemu-aarch64 again, with
/// the parent's -cpu: tools/arm64/run-tests.sh passes both in EDGECNN_QEMU and EDGECNN_QEMU_CPU.
/// </summary>
internal static class TestChildProcess
{
    /// <summary>The host's qemu-aarch64 when this process runs under it (set by tools/arm64/run-tests.sh).</summary>
    public static string? Qemu => Environment.GetEnvironmentVariable("EDGECNN_QEMU") is { Length: > 0 } q ? q : null;

    public static string? QemuCpu => Environment.GetEnvironmentVariable("EDGECNN_QEMU_CPU") is { Length: > 0 } c ? c : null;

    /// <summary>Where this process runs, for messages: "x64", "arm64 (qemu cortex-a76)".</summary>
    public static string Describe() =>
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant() + (Qemu is null ? "" : $" (qemu {QemuCpu ?? "default cpu"})");

    /// <summary>A start info running the test namespaces given, with the runner's own filter switches.</summary>
    public static ProcessStartInfo ForNamespaces(params string[] namespaces)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string assembly = typeof(TestChildProcess).Assembly.Location;
        if (Qemu is { } qemu)
        {
            start.FileName = qemu;
            if (QemuCpu is { } cpu) { start.ArgumentList.Add("-cpu"); start.ArgumentList.Add(cpu); }
            // The self-contained apphost beside the assembly: what qemu runs for the parent too.
            start.ArgumentList.Add(Environment.ProcessPath ?? Path.ChangeExtension(assembly, null));
        }
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(assembly);
        }
        foreach (string ns in namespaces) { start.ArgumentList.Add("-namespace"); start.ArgumentList.Add(ns); }
        start.ArgumentList.Add("-noLogo");
        start.ArgumentList.Add("-noColor");
        return start;
    }
}
