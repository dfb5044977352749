namespace EdgeCnn.Device.Video;

/// <summary>
/// A reusable frame buffer. Sources write into it, so steady-state capture allocates nothing: the
/// byte array only grows when a larger frame arrives.
/// </summary>
public sealed class VideoFrame
{
    private byte[] _data;

    public VideoFrame(int capacity = 0) => _data = capacity > 0 ? new byte[capacity] : [];

    public int Width { get; private set; }
    public int Height { get; private set; }
    /// <summary>Bytes per row of the packed image, or of the luma plane for planar formats (chroma rows follow the V4L2 rules).</summary>
    public int Stride { get; private set; }
    public CameraPixelFormat Format { get; private set; }
    /// <summary>Valid bytes in <see cref="Data"/>.</summary>
    public int Length { get; private set; }
    /// <summary>Counts frames from the source (driver sequence numbers or a running count).</summary>
    public long Sequence { get; set; }
    /// <summary>When the frame was captured, on the monotonic Stopwatch clock.</summary>
    public long TimestampTicks { get; set; }
    /// <summary>Where the frame came from (a file name, or the device).</summary>
    public string Source { get; set; } = "";

    public ReadOnlySpan<byte> Data => _data.AsSpan(0, Length);

    /// <summary>Makes room for <paramref name="length"/> bytes, describes the frame, and returns the span to fill.</summary>
    public Span<byte> Prepare(CameraPixelFormat format, int width, int height, int stride, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_data.Length < length) _data = new byte[length];
        Format = format;
        Width = width;
        Height = height;
        Stride = stride;
        Length = length;
        return _data.AsSpan(0, length);
    }

    /// <summary>Copies another frame's pixels and description into this one.</summary>
    public void CopyFrom(VideoFrame other)
    {
        other.Data.CopyTo(Prepare(other.Format, other.Width, other.Height, other.Stride, other.Length));
        Sequence = other.Sequence;
        TimestampTicks = other.TimestampTicks;
        Source = other.Source;
    }
}
