using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

public sealed class CameraDeviceTests
{
    [Fact]
    public void Missing_camera_names_the_device_path()
    {
        var e = Assert.Throws<CameraException>(() => CameraDevice.Create(new CameraSettings(87)));
        Assert.Equal(CameraError.NotFound, e.Error);
        Assert.Contains("/dev/video87", e.Message);
        Assert.True(e.IsTransient);
    }

    [Fact]
    public void A_file_that_is_not_a_camera_is_refused_by_querycap()
    {
        var e = Assert.Throws<CameraException>(() => CameraDevice.Create(new CameraSettings(0) { DevicePath = "/dev/null" }));
        Assert.Equal(CameraError.NotACaptureDevice, e.Error);
        Assert.Contains("/dev/null", e.Message);
        Assert.Contains("VIDIOC_QUERYCAP", e.Message);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public void Format_choice_prefers_edgecnn_order_and_lists_both_sides_when_nothing_fits()
    {
        var offered = new[] { new OfferedPixelFormat((uint)CameraPixelFormat.MJPEG, "Motion-JPEG"), new OfferedPixelFormat((uint)CameraPixelFormat.YUYV, "YUYV 4:2:2") };
        Assert.Equal(CameraPixelFormat.YUYV, V4l2Camera.ChooseFormat(offered, null, "/dev/video0"));
        Assert.Equal(CameraPixelFormat.MJPEG, V4l2Camera.ChooseFormat(offered, CameraPixelFormat.MJPEG, "/dev/video0"));

        uint h264 = 'H' | ('2' << 8) | ('6' << 16) | ((uint)'4' << 24);
        var onlyH264 = new[] { new OfferedPixelFormat(h264, "H.264") };
        var e = Assert.Throws<CameraException>(() => V4l2Camera.ChooseFormat(onlyH264, null, "/dev/video2"));
        Assert.Equal(CameraError.UnsupportedFormat, e.Error);
        Assert.Contains("H264 (H.264)", e.Message);
        Assert.Contains("YUYV, NV12, YU12, RGB3, MJPG", e.Message);
        Assert.Contains("/dev/video2", e.Message);

        e = Assert.Throws<CameraException>(() => V4l2Camera.ChooseFormat(offered, CameraPixelFormat.NV12, "/dev/video0"));
        Assert.Contains("does not offer NV12", e.Message);
        Assert.Contains("MJPG (Motion-JPEG), YUYV (YUYV 4:2:2)", e.Message);
    }

    [Theory]
    [InlineData(CameraPixelFormat.YUYV, 640, 480, 1280, 614400)]
    [InlineData(CameraPixelFormat.NV12, 640, 480, 640, 460800)]
    [InlineData(CameraPixelFormat.YUV420, 640, 480, 640, 460800)]
    [InlineData(CameraPixelFormat.RGB24, 4, 3, 12, 36)]
    [InlineData(CameraPixelFormat.YUV420, 5, 3, 5, 15 + 2 * 3 * 2)]
    public void Frame_sizes_follow_the_v4l2_layouts(CameraPixelFormat format, int w, int h, int stride, int bytes)
    {
        Assert.Equal(bytes, CameraPixelFormats.FrameBytes(format, w, h, stride));
        Assert.True(CameraPixelFormats.MinimumStride(format, w) <= stride);
    }

    [Fact]
    public void Fourcc_text_is_readable()
    {
        Assert.Equal("YUYV", CameraPixelFormats.Name(CameraPixelFormat.YUYV));
        Assert.Equal("YU12", CameraPixelFormats.Name(CameraPixelFormat.YUV420));
        Assert.Equal("??ab", CameraPixelFormats.FourCcText(0x62610001u));
    }
}
