namespace EdgeCnn.Device.Video;

public enum FrameReadResult
{
    /// <summary>The frame was filled.</summary>
    Frame,
    /// <summary>No frame arrived within the timeout; the source is still usable.</summary>
    Timeout,
    /// <summary>A finite source (files) has no more frames.</summary>
    EndOfStream,
}

/// <summary>Anything that produces camera-like frames: a V4L2 device, rpicam-vid, image files.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>A human-readable description (device path, card name, size and format).</summary>
    string Description { get; }

    /// <summary>
    /// Waits at most <paramref name="timeout"/> for the next frame and writes it into <paramref name="frame"/>.
    /// Throws <see cref="CameraException"/> when the source is gone (unplugged, process exited).
    /// </summary>
    FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout);
}
