using EdgeCnn.Device.Conversion;
using EdgeCnn.Device.Video;
using EdgeCnn.Imaging;
using EdgeCnn.Model;

namespace EdgeCnn.Device.Tests;

public sealed class FramePreprocessorTests
{
    private static FramePreprocessor Create(int width, int height, int channels = 3, float crop = 1f, ChannelOrder order = ChannelOrder.Rgb) =>
        new(new Preprocessing { Width = width, Height = height, Channels = channels, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f], CropFraction = crop, ChannelOrder = order },
            [1, height, width, channels], 0.0187f, -14);

    private static sbyte[] Run(FramePreprocessor preprocessor, VideoFrame frame, bool vector)
    {
        preprocessor.AllowVector = vector;
        var output = new sbyte[preprocessor.OutputLength];
        preprocessor.Process(frame, output);
        return output;
    }

    public static TheoryData<int, int, int, int, float> Geometries => new()
    {
        // source w, h, model w, h, crop
        { 64, 48, 24, 24, 1f },
        { 67, 45, 17, 13, 0.875f },     // odd sizes, odd crop offsets
        { 33, 21, 40, 30, 1f },         // upscaling
        { 640, 480, 224, 224, 0.875f }, // a real camera frame
        { 16, 2, 5, 1, 1f },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Fused_yuv_paths_equal_the_unfused_rgb_path_and_vector_equals_scalar(int w, int h, int mw, int mh, float crop)
    {
        var samples = new FrameSamples(w, h, seed: w * 1000 + h);
        using var preprocessor = Create(mw, mh, crop: crop);
        // The oracle: convert the whole frame with the scalar per-pixel specification, then resize RGB.
        var expected = Run(preprocessor, samples.Rgb(), vector: false);
        int even = (w + 1) & ~1;
        foreach (var frame in new[] { samples.I420(w), samples.I420(w + 7), samples.Nv12(even), samples.Nv12(even + 4), samples.Yuyv(2 * even), samples.Yuyv(2 * even + 8) })
        {
            Assert.Equal(expected, Run(preprocessor, frame, vector: false));
            Assert.Equal(expected, Run(preprocessor, frame, vector: true));
        }
    }

    [Fact]
    public void Identity_size_without_crop_quantizes_the_pixels_directly()
    {
        var samples = new FrameSamples(20, 10, seed: 5);
        var rgb = samples.Rgb();
        var preprocessing = new Preprocessing { Width = 20, Height = 10, Mean = [0.5f], Std = [0.25f] };
        using var preprocessor = new FramePreprocessor(preprocessing, [1, 10, 20, 3], 0.03f, 3);
        var output = new sbyte[preprocessor.OutputLength];
        preprocessor.Process(rgb, output);
        for (int i = 0; i < output.Length; i++)
            Assert.Equal(InputQuantizationTable.QuantizeOne(rgb.Data[i], 0.5f, 0.25f, 0.03f, 3), output[i]);
    }

    [Theory]
    [InlineData(3, ChannelOrder.Rgb, 0.875f)]
    [InlineData(3, ChannelOrder.Bgr, 1f)]
    [InlineData(1, ChannelOrder.Rgb, 0.875f)]
    public void Rgb_frames_give_exactly_what_the_runtime_image_preprocessor_gives(int channels, ChannelOrder order, float crop)
    {
        var rgb = new FrameSamples(97, 61, seed: 11).Rgb();
        var preprocessing = new Preprocessing { Width = 31, Height = 29, Channels = channels, Mean = channels == 3 ? [0.4f, 0.5f, 0.6f] : [0.45f], Std = channels == 3 ? [0.2f, 0.25f, 0.3f] : [0.22f], ChannelOrder = order, CropFraction = crop };
        using var ours = new FramePreprocessor(preprocessing, [1, 29, 31, channels], 0.02f, 5);
        var runtime = new ImagePreprocessor(preprocessing, [1, 29, 31, channels], 0.02f, 5);
        var expected = new sbyte[runtime.OutputLength];
        runtime.Process(rgb.Data, rgb.Width, rgb.Height, 3, rgb.Stride, expected);
        Assert.Equal(expected, Run(ours, rgb, vector: true));
    }

    [Fact]
    public void Steady_state_frames_allocate_nothing()
    {
        var samples = new FrameSamples(640, 480, seed: 3);
        var frames = new[] { samples.Yuyv(1280), samples.Nv12(640), samples.I420(640) };
        using var preprocessor = Create(224, 224, crop: 0.875f);
        var output = new sbyte[preprocessor.OutputLength];
        foreach (var frame in frames) preprocessor.Process(frame, output);   // warm up: plans, JIT
        foreach (var frame in frames)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            preprocessor.Process(frame, output);
            preprocessor.Process(frame, output);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Wrong_destination_or_short_frame_gives_a_clear_error()
    {
        using var preprocessor = Create(8, 8);
        var frame = new FrameSamples(16, 16, 1).I420(16);
        var e = Assert.Throws<ArgumentException>(() => preprocessor.Process(frame, new sbyte[10]));
        Assert.Contains("needs 192", e.Message);
        var shortFrame = new VideoFrame();
        shortFrame.Prepare(CameraPixelFormat.YUYV, 16, 16, 32, 100);
        e = Assert.Throws<ArgumentException>(() => preprocessor.Process(shortFrame, new sbyte[192]));
        Assert.Contains("needs 512 bytes", e.Message);
    }
}

public sealed class MjpegFrameTests
{
    [Theory]
    [InlineData("jpeg_color.jpg")]
    [InlineData("jpeg_color_420_progressive.jpg")]
    public void Mjpeg_frames_decode_to_the_same_input_as_the_runtime_jpeg_decoder(string name)
    {
        string path = Path.Combine(Tools.RepositoryRoot, "tests", "EdgeCnn.Runtime.Tests", "Imaging", "Data", name);
        if (!File.Exists(path)) throw new FileNotFoundException("test image missing", path);
        if (!EdgeCnn.Imaging.ImageDecoder.IsJpegAvailable) throw new InvalidOperationException("libturbojpeg is not installed (test.sh installs libturbojpeg0)");
        byte[] jpeg = File.ReadAllBytes(path);
        var image = EdgeCnn.Imaging.ImageDecoder.Load(path);
        var mjpeg = new VideoFrame();
        jpeg.CopyTo(mjpeg.Prepare(CameraPixelFormat.MJPEG, image.Width, image.Height, 0, jpeg.Length));
        var rgb = new VideoFrame();
        FileFrameSource.CopyAsRgb(image, rgb);

        var preprocessing = new EdgeCnn.Model.Preprocessing { Width = 12, Height = 10, Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };
        using var preprocessor = new EdgeCnn.Device.Conversion.FramePreprocessor(preprocessing, [1, 10, 12, 3], 1f / 128, 0);
        var fromMjpeg = new sbyte[preprocessor.OutputLength];
        var fromRgb = new sbyte[preprocessor.OutputLength];
        preprocessor.Process(mjpeg, fromMjpeg);
        preprocessor.Process(rgb, fromRgb);
        Assert.Equal(fromRgb, fromMjpeg);
    }

    [Fact]
    public void A_corrupt_mjpeg_frame_is_a_bad_frame_error()
    {
        var frame = new VideoFrame();
        "not a jpeg at all"u8.CopyTo(frame.Prepare(CameraPixelFormat.MJPEG, 4, 4, 0, 17));
        frame.Source = "/dev/video0";
        using var preprocessor = new EdgeCnn.Device.Conversion.FramePreprocessor(null, [1, 4, 4, 3], 1f / 128, 0);
        var e = Assert.Throws<CameraException>(() => preprocessor.Process(frame, new sbyte[48]));
        Assert.Equal(CameraError.BadFrame, e.Error);
        Assert.Contains("/dev/video0", e.Message);
    }
}
