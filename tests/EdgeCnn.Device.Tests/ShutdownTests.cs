using System.Diagnostics;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// The camera program as a child process: SIGTERM (systemd stop) and SIGINT (Ctrl+C) end it within a
/// second, even while it waits for a missing camera; a missing rpicam-vid ends it at once with exit code 2.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgecnn-shutdown-").FullName;
    private readonly string _model;

    public ShutdownTests()
    {
        _model = Path.Combine(_dir, "colors.ecnn");
        File.WriteAllBytes(_model, ColorModel.Bytes());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ProcessStartInfo Program(params string[] args)
    {
        // The dotnet host that runs these tests, by full path, so a test may empty PATH.
        string host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CameraClassifier.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_stops_the_program_within_a_second_with_a_summary(string signal)
    {
        using var process = Process.Start(Program("--model", _model, "--device", "/dev/video61", "--wait-for-camera"))!;
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
            var signalled = Stopwatch.StartNew();
            Assert.Equal(0, Tools.Run("kill", [$"-{signal}", process.Id.ToString()]).ExitCode);
            Assert.True(process.WaitForExit(20_000), "the program did not stop after the signal");
            var took = signalled.Elapsed;
            process.WaitForExit();
            lock (stderr) Assert.Contains("no camera at /dev/video61", stderr.ToString());
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("stopped: classified 0 frame(s)", await stdout);
            // One second for the program, plus the process teardown on a shared, busy test machine.
            Assert.True(took < TimeSpan.FromSeconds(2), $"stopping took {took.TotalMilliseconds:0} ms");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [Fact]
    public async Task Libcamera_without_rpicam_vid_exits_2_at_once()
    {
        var info = Program("--model", _model, "--libcamera");
        info.Environment["PATH"] = _dir;   // a folder with no rpicam-vid in it
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.True(process.WaitForExit(60_000), "the program kept waiting for a camera program that is not installed");
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        string error = await stderr;
        await stdout;
        Assert.Contains("rpicam-vid was not found", error);
        Assert.Contains("rpicam-apps", error);
        Assert.DoesNotContain("retrying", error);
        Assert.DoesNotContain("--wait-for-camera", error);   // waiting does not install a program
    }
}
