namespace EdgeCnn.Device.Video;

/// <summary>
/// Pixel formats as V4L2 fourcc codes (the same numbers as V4L2_PIX_FMT_*, so a value read from the
/// driver can be shown even when EdgeCnn does not support it).
/// </summary>
public enum CameraPixelFormat : uint
{
    /// <summary>Packed 4:2:2, Y0 U Y1 V.</summary>
    YUYV = 'Y' | ('U' << 8) | ('Y' << 16) | ((uint)'V' << 24),
    /// <summary>Motion JPEG: every frame a JPEG image.</summary>
    MJPEG = 'M' | ('J' << 8) | ('P' << 16) | ((uint)'G' << 24),
    /// <summary>JPEG (some drivers report this instead of MJPEG).</summary>
    JPEG = 'J' | ('P' << 8) | ('E' << 16) | ((uint)'G' << 24),
    /// <summary>4:2:0, a Y plane followed by interleaved U V.</summary>
    NV12 = 'N' | ('V' << 8) | ('1' << 16) | ((uint)'2' << 24),
    /// <summary>4:2:0, planar Y, U, V (YU12, also called I420; what rpicam-vid --codec yuv420 writes).</summary>
    YUV420 = 'Y' | ('U' << 8) | ('1' << 16) | ((uint)'2' << 24),
    /// <summary>Packed R G B, 8 bits each.</summary>
    RGB24 = 'R' | ('G' << 8) | ('B' << 16) | ((uint)'3' << 24),
}

public static class CameraPixelFormats
{
    /// <summary>The formats EdgeCnn can turn into a model input, in the order it prefers them.</summary>
    public static IReadOnlyList<CameraPixelFormat> Supported { get; } =
        [CameraPixelFormat.YUYV, CameraPixelFormat.NV12, CameraPixelFormat.YUV420, CameraPixelFormat.RGB24, CameraPixelFormat.MJPEG, CameraPixelFormat.JPEG];

    public static bool IsSupported(uint fourcc) => Supported.Contains((CameraPixelFormat)fourcc);

    /// <summary>The four characters of a fourcc code, e.g. "YUYV"; unprintable bytes as '?'.</summary>
    public static string FourCcText(uint fourcc)
    {
        Span<char> text = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((fourcc >> (8 * i)) & 0xFF);
            text[i] = c is >= ' ' and <= '~' ? c : '?';
        }
        return new string(text).TrimEnd();
    }

    public static string Name(CameraPixelFormat format) => FourCcText((uint)format);

    /// <summary>Bytes of one frame with the given luma/packed row stride, or 0 for compressed formats.</summary>
    public static int FrameBytes(CameraPixelFormat format, int width, int height, int stride) => format switch
    {
        CameraPixelFormat.YUYV => checked(stride * height),
        CameraPixelFormat.RGB24 => checked(stride * height),
        CameraPixelFormat.NV12 => checked(stride * height + stride * ((height + 1) / 2)),
        CameraPixelFormat.YUV420 => checked(stride * height + 2 * ((stride + 1) / 2) * ((height + 1) / 2)),
        _ => 0,
    };

    /// <summary>The tightest row stride of a frame: bytes per packed row, or of the luma plane.</summary>
    public static int MinimumStride(CameraPixelFormat format, int width) => format switch
    {
        CameraPixelFormat.YUYV => checked(((width + 1) & ~1) * 2),
        CameraPixelFormat.RGB24 => checked(width * 3),
        CameraPixelFormat.NV12 => (width + 1) & ~1,   // the interleaved UV rows need a whole pair per chroma sample
        _ => width,
    };
}
