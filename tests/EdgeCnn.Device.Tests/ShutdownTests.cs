using System.Diagnostics;

namespace EdgeCnn.Device.Tests;

/// <summary>SIGTERM (systemd stop) and SIGINT (Ctrl+C) end the camera loop cleanly, even while it waits for a missing camera.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgecnn-shutdown-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_stops_the_program_with_a_summary_and_exit_code_0(string signal)
    {
        string model = Path.Combine(_dir, "colors.ecnn");
        File.WriteAllBytes(model, ColorModel.Bytes());
        string program = Path.Combine(AppContext.BaseDirectory, "CameraClassifier.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { program, "--model", model, "--device", "/dev/video61" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = new System.Text.StringBuilder();
        var retrying = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("retrying")) retrying.Set();
        };
        process.BeginErrorReadLine();
        try
        {
            Assert.True(retrying.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken), $"the program never reported the missing camera: {stderr}");
            Assert.Equal(0, Tools.Run("kill", [$"-{signal}", process.Id.ToString()]).ExitCode);
            Assert.True(process.WaitForExit(20_000), "the program did not stop after the signal");
            process.WaitForExit();
            lock (stderr) Assert.Contains("no camera at /dev/video61", stderr.ToString());
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped: classified 0 frame(s)", await stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
