using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

public sealed class FileFrameSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgecnn-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePpm(string name, int w, int h, byte seed)
    {
        var header = System.Text.Encoding.ASCII.GetBytes($"P6\n{w} {h}\n255\n");
        var pixels = Enumerable.Range(0, w * h * 3).Select(i => (byte)(i * 7 + seed)).ToArray();
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, [.. header, .. pixels]);
        return path;
    }

    [Fact]
    public void A_folder_yields_its_images_in_name_order_then_ends()
    {
        WritePpm("b.ppm", 3, 2, 1);
        WritePpm("a.ppm", 4, 5, 2);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "ignored");
        using var source = new FileFrameSource(_dir);
        var frame = new VideoFrame();
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.Zero));
        Assert.Equal((4, 5, CameraPixelFormat.RGB24), (frame.Width, frame.Height, frame.Format));
        Assert.EndsWith("a.ppm", frame.Source);
        Assert.Equal((byte)2, frame.Data[0]);
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.Zero));
        Assert.Equal((3, 2), (frame.Width, frame.Height));
        Assert.Equal(FrameReadResult.EndOfStream, source.ReadFrame(frame, TimeSpan.Zero));
    }

    [Fact]
    public void Raw_yuv_takes_its_size_from_the_name_and_reports_a_truncated_frame()
    {
        int bytes = 8 * 4 * 3 / 2;
        File.WriteAllBytes(Path.Combine(_dir, "clip_8x4.yuv"), new byte[2 * bytes + 5]);
        using var source = new FileFrameSource(Path.Combine(_dir, "clip_8x4.yuv"));
        var frame = new VideoFrame();
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.Zero));
        Assert.Equal((8, 4, CameraPixelFormat.YUV420, 48), (frame.Width, frame.Height, frame.Format, frame.Length));
        Assert.Equal(FrameReadResult.Frame, source.ReadFrame(frame, TimeSpan.Zero));
        var e = Assert.Throws<CameraException>(() => source.ReadFrame(frame, TimeSpan.Zero));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Bad_paths_and_files_give_clear_errors()
    {
        var e = Assert.Throws<CameraException>(() => new FileFrameSource(Path.Combine(_dir, "missing")));
        Assert.Contains("no image file or folder", e.Message);
        e = Assert.Throws<CameraException>(() => new FileFrameSource(_dir));
        Assert.Contains("holds no images", e.Message);
        File.WriteAllBytes(Path.Combine(_dir, "broken.ppm"), "P6\n4 4\n255\nxx"u8.ToArray());
        using var source = new FileFrameSource(Path.Combine(_dir, "broken.ppm"));
        e = Assert.Throws<CameraException>(() => source.ReadFrame(new VideoFrame(), TimeSpan.Zero));
        Assert.Contains("broken.ppm", e.Message);
        File.WriteAllBytes(Path.Combine(_dir, "nosize.yuv"), new byte[10]);
        using var raw = new FileFrameSource(Path.Combine(_dir, "nosize.yuv"));
        e = Assert.Throws<CameraException>(() => raw.ReadFrame(new VideoFrame(), TimeSpan.Zero));
        Assert.Contains("frame size", e.Message);
    }
}
