namespace EdgeCnn.Device.Video;

/// <summary>A camera format the device offers, as VIDIOC_ENUM_FMT reports it.</summary>
public readonly record struct OfferedPixelFormat(uint FourCc, string Description)
{
    public bool IsSupported => CameraPixelFormats.IsSupported(FourCc);
    public override string ToString() => $"{CameraPixelFormats.FourCcText(FourCc)} ({Description})";
}

/// <summary>
/// A V4L2 camera: <c>CameraDevice.Create(settings)</c>, then <see cref="ReadFrame"/> in a loop (mmap
/// streaming, poll timeouts, no allocation per frame) or <see cref="Capture"/> for one frame. It is ours
/// rather than Iot.Device.Media's VideoDevice, whose Capture opens, configures and closes the device for
/// every frame and whose continuous capture allocates per frame and waits without a timeout.
/// </summary>
public abstract class CameraDevice : IFrameSource
{
    public static CameraDevice Create(CameraSettings settings) => new V4l2Camera(settings);

    public abstract CameraSettings Settings { get; }
    public abstract string Description { get; }
    /// <summary>The format, size and row stride the driver actually chose.</summary>
    public abstract CameraPixelFormat PixelFormat { get; }
    public abstract (int Width, int Height) CaptureSize { get; }
    public abstract IReadOnlyList<OfferedPixelFormat> OfferedFormats { get; }

    public abstract FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout);

    /// <summary>Captures one frame and returns a copy of its bytes (allocates; for one-shot use).</summary>
    public byte[] Capture(TimeSpan? timeout = null)
    {
        var frame = new VideoFrame();
        var wait = timeout ?? TimeSpan.FromSeconds(5);
        if (ReadFrame(frame, wait) != FrameReadResult.Frame)
            throw new CameraException(CameraError.Disconnected, $"{Description}: no frame within {wait.TotalSeconds:0.#} s");
        return frame.Data.ToArray();
    }

    public abstract void Dispose();
}
