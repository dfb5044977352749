namespace EdgeCnn.Device.Video;

/// <summary>
/// How to open a V4L2 camera: bus id (the N of /dev/videoN), capture size, pixel format, buffer count.
/// </summary>
public sealed class CameraSettings
{
    public CameraSettings(int busId, (int Width, int Height) captureSize = default, CameraPixelFormat? pixelFormat = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busId);
        BusId = busId;
        CaptureSize = captureSize == default ? (640, 480) : captureSize;
        if (CaptureSize.Width <= 0 || CaptureSize.Height <= 0)
            throw new ArgumentOutOfRangeException(nameof(captureSize), captureSize, "capture size must be positive");
        PixelFormat = pixelFormat;
    }

    public int BusId { get; }
    public (int Width, int Height) CaptureSize { get; }
    /// <summary>The format to ask for; null picks the first the camera offers from <see cref="CameraPixelFormats.Supported"/>.</summary>
    public CameraPixelFormat? PixelFormat { get; }
    /// <summary>The device file; defaults to /dev/video{BusId}.</summary>
    public string? DevicePath { get; init; }
    /// <summary>Number of mmap buffers the driver cycles through (2..32).</summary>
    public int BufferCount { get; init; } = 4;

    public string ResolvedDevicePath => DevicePath ?? $"/dev/video{BusId}";
}
