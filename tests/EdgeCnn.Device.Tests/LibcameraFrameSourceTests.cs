using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LibcameraFrameSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgecnn-rpicam-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A stand-in for rpicam-vid: writes <paramref name="frames"/> I420 frames of 8x4 (48 bytes, every byte = frame number) to stdout.</summary>
    private string FakeRpicam(int frames, string then)
    {
        string script = Path.Combine(_dir, "rpicam-vid");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$@" > "{{_dir}}/args"
            i=0
            while [ $i -lt {{frames}} ]; do
              head -c 48 /dev/zero | tr '\0' "\\$(printf '%03o' $i)"
              i=$((i+1))
            done
            {{then}}
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    [Fact]
    public void Reads_raw_i420_frames_from_the_program_and_passes_the_right_arguments()
    {
        using var source = new LibcameraFrameSource(8, 4, programPath: FakeRpicam(3, "sleep 30"));
        var frame = new VideoFrame();
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.FromSeconds(10)));
        Assert.Equal((8, 4, CameraPixelFormat.YUV420, 48), (frame.Width, frame.Height, frame.Format, frame.Length));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (source.FramesReceived < 3 && DateTime.UtcNow < deadline) Thread.Sleep(10);
        // Latest-frame: after a pause the newest complete frame (number 2) is what we get.
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.FromSeconds(10)));
        Assert.Equal(2, frame.Data[0]);
        Assert.Equal(FrameReadResult.Timeout, source.ReadFrame(frame, TimeSpan.FromMilliseconds(100)));
        string args = File.ReadAllText(Path.Combine(_dir, "args"));
        Assert.Contains("--codec yuv420", args);
        Assert.Contains("--width 8 --height 4", args);
        Assert.Contains("--output -", args);
    }

    [Fact]
    public void A_program_that_exits_is_reported_with_its_error_output()
    {
        using var source = new LibcameraFrameSource(8, 4, programPath: FakeRpicam(0, "echo 'ERROR: no cameras available' >&2; exit 1"));
        var e = Assert.Throws<CameraException>(() => source.ReadFrame(new VideoFrame(), TimeSpan.FromSeconds(10)));
        Assert.Equal(CameraError.Disconnected, e.Error);
        Assert.Contains("no cameras available", e.Message);
    }

    [Fact]
    public void Missing_rpicam_vid_says_what_to_install()
    {
        string? savedPath = Environment.GetEnvironmentVariable("PATH");
        if (LibcameraFrameSource.FindOnPath(LibcameraFrameSource.Program) is not null) return;   // a real Pi: nothing to test
        var e = Assert.Throws<CameraException>(() => new LibcameraFrameSource());
        Assert.Equal(CameraError.ProgramMissing, e.Error);
        Assert.Contains("rpicam-vid was not found", e.Message);
        Assert.Contains("rpicam-apps", e.Message);
        Assert.Equal(savedPath, Environment.GetEnvironmentVariable("PATH"));
    }
}
