namespace EdgeCnn.Device.Video;

public enum CameraError
{
    /// <summary>No device file (yet: a camera may be plugged in later).</summary>
    NotFound,
    /// <summary>A program or library the camera needs (rpicam-vid, libturbojpeg for MJPEG) is not installed; waiting will not help.</summary>
    ProgramMissing,
    /// <summary>Another program holds the camera.</summary>
    Busy,
    /// <summary>The user may not open the device (not in the 'video' group).</summary>
    PermissionDenied,
    /// <summary>The device is not a streaming video capture device EdgeCnn can use.</summary>
    NotACaptureDevice,
    /// <summary>The camera does not offer a pixel format EdgeCnn supports (or the one asked for).</summary>
    UnsupportedFormat,
    /// <summary>The device vanished or failed while streaming (unplugged, driver error).</summary>
    Disconnected,
    /// <summary>A frame could not be decoded.</summary>
    BadFrame,
}

/// <summary>A camera problem with a message meant for the person at the board.</summary>
public sealed class CameraException : Exception
{
    public CameraException(CameraError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    public CameraError Error { get; }

    /// <summary>Whether waiting and opening the device again may help (it was busy, missing or unplugged).</summary>
    public bool IsTransient => Error is CameraError.NotFound or CameraError.Busy or CameraError.Disconnected;
}
