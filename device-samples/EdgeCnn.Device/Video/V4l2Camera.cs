using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeCnn.Device.Interop;

namespace EdgeCnn.Device.Video;

/// <summary>
/// V4L2 capture with mmap streaming: QUERYCAP, ENUM_FMT, S_FMT, REQBUFS, QUERYBUF + mmap, QBUF,
/// STREAMON, then poll + DQBUF + copy + QBUF per frame. The fd is non-blocking and every wait is a
/// poll with a timeout, so an unplugged camera never hangs the program.
/// </summary>
internal sealed unsafe class V4l2Camera : CameraDevice
{
    private const uint BufferFlagError = 0x40;   // V4L2_BUF_FLAG_ERROR: the frame is corrupt, skip it

    private readonly CameraSettings _settings;
    private readonly string _path;
    private int _fd = -1;
    private readonly List<(nint Address, nuint Length)> _buffers = new();
    private bool _streaming;
    private int _width, _height, _stride, _sizeImage;
    private CameraPixelFormat _format;
    private IReadOnlyList<OfferedPixelFormat> _offered = [];
    private string _card = "";

    public V4l2Camera(CameraSettings settings)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
            throw new PlatformNotSupportedException("V4L2 capture needs 64-bit Linux.");
        _settings = settings;
        _path = settings.ResolvedDevicePath;
        try
        {
            Open();
            QueryCapabilities();
            _offered = EnumerateFormats();
            SetFormat(ChooseFormat(_offered, settings.PixelFormat, _path));
            MapBuffers(Math.Clamp(settings.BufferCount, 2, 32));
            StartStreaming();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public override CameraSettings Settings => _settings;
    public override string Description => $"{_path} ({_card}) {_width}x{_height} {CameraPixelFormats.Name(_format)}";
    public override CameraPixelFormat PixelFormat => _format;
    public override (int Width, int Height) CaptureSize => (_width, _height);
    public override IReadOnlyList<OfferedPixelFormat> OfferedFormats => _offered;

    /// <summary>
    /// Picks the format to ask for: the requested one if the camera offers it, else the first supported
    /// format in EdgeCnn's order. Fails with a message listing both sides.
    /// </summary>
    internal static CameraPixelFormat ChooseFormat(IReadOnlyList<OfferedPixelFormat> offered, CameraPixelFormat? requested, string path)
    {
        if (requested is { } wanted)
        {
            if (offered.Any(f => f.FourCc == (uint)wanted)) return wanted;
            throw UnsupportedFormat(path, offered, $"does not offer {CameraPixelFormats.Name(wanted)}");
        }
        foreach (var candidate in CameraPixelFormats.Supported)
            if (offered.Any(f => f.FourCc == (uint)candidate)) return candidate;
        throw UnsupportedFormat(path, offered, "offers no pixel format EdgeCnn supports");
    }

    private static CameraException UnsupportedFormat(string path, IReadOnlyList<OfferedPixelFormat> offered, string problem)
    {
        string offers = offered.Count == 0 ? "nothing" : string.Join(", ", offered);
        string supports = string.Join(", ", CameraPixelFormats.Supported.Select(CameraPixelFormats.Name));
        return new CameraException(CameraError.UnsupportedFormat,
            $"camera {path} {problem}. The camera offers: {offers}. EdgeCnn supports: {supports}.");
    }

    private void Open()
    {
        _fd = Libc.Open(_path, OpenFlags.ReadWrite | OpenFlags.NonBlocking | OpenFlags.CloseOnExec);
        if (_fd >= 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Errno.ENOENT or Errno.ENODEV => new CameraException(CameraError.NotFound, $"no camera at {_path} (the device does not exist; is the camera plugged in?)"),
            Errno.EBUSY => new CameraException(CameraError.Busy, $"camera {_path} is busy: another program is using it"),
            Errno.EACCES => new CameraException(CameraError.PermissionDenied, $"no permission to open {_path}: add the user to the 'video' group"),
            _ => new CameraException(CameraError.NotFound, $"cannot open {_path}: {Libc.ErrorText(errno)}"),
        };
    }

    private CameraException Failure(string operation, int errno)
    {
        var error = errno switch
        {
            Errno.EBUSY => CameraError.Busy,
            Errno.ENODEV or Errno.EIO or Errno.ENOENT => CameraError.Disconnected,
            _ => CameraError.NotACaptureDevice,
        };
        string hint = error switch
        {
            CameraError.Busy => " (another program is using the camera)",
            CameraError.Disconnected => " (the camera was unplugged or failed)",
            _ => "",
        };
        return new CameraException(error, $"camera {_path}: {operation} failed: {Libc.ErrorText(errno)}{hint}");
    }

    private void Control(nuint request, void* argument, string operation)
    {
        if (Libc.IoctlRetrying(_fd, request, argument) == -1) throw Failure(operation, Marshal.GetLastPInvokeError());
    }

    private void QueryCapabilities()
    {
        V4l2Capability caps;
        Control(V4l2.VIDIOC_QUERYCAP, &caps, "VIDIOC_QUERYCAP");
        _card = caps.Card;
        uint effective = (caps.capabilities & V4l2.CAP_DEVICE_CAPS) != 0 ? caps.device_caps : caps.capabilities;
        if ((effective & V4l2.CAP_VIDEO_CAPTURE) == 0)
        {
            string why = (effective & V4l2.CAP_VIDEO_CAPTURE_MPLANE) != 0
                ? "it only offers multi-planar capture (use --libcamera for Raspberry Pi CSI cameras)"
                : "it is not a video capture device (metadata or output node? try another /dev/videoN)";
            throw new CameraException(CameraError.NotACaptureDevice, $"{_path} ({_card}): {why}");
        }
        if ((effective & V4l2.CAP_STREAMING) == 0)
            throw new CameraException(CameraError.NotACaptureDevice, $"{_path} ({_card}) does not support streaming I/O");
    }

    private List<OfferedPixelFormat> EnumerateFormats()
    {
        var formats = new List<OfferedPixelFormat>();
        for (uint index = 0; index < 256; index++)
        {
            V4l2FmtDesc desc = default;
            desc.index = index;
            desc.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
            if (Libc.IoctlRetrying(_fd, V4l2.VIDIOC_ENUM_FMT, &desc) == -1)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINVAL) break;   // past the last format
                throw Failure("VIDIOC_ENUM_FMT", errno);
            }
            formats.Add(new OfferedPixelFormat(desc.pixelformat, desc.Description));
        }
        return formats;
    }

    private void SetFormat(CameraPixelFormat wanted)
    {
        V4l2Format format = default;
        format.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
        format.pix.width = (uint)_settings.CaptureSize.Width;
        format.pix.height = (uint)_settings.CaptureSize.Height;
        format.pix.pixelformat = (uint)wanted;
        format.pix.field = V4l2.FIELD_NONE;
        Control(V4l2.VIDIOC_S_FMT, &format, "VIDIOC_S_FMT");
        if (format.pix.pixelformat != (uint)wanted)
            throw UnsupportedFormat(_path, _offered, $"refused {CameraPixelFormats.Name(wanted)} at {format.pix.width}x{format.pix.height}");
        _format = wanted;
        _width = (int)format.pix.width;
        _height = (int)format.pix.height;
        int minimum = CameraPixelFormats.MinimumStride(wanted, _width);
        _stride = Math.Max((int)format.pix.bytesperline, minimum);
        _sizeImage = (int)format.pix.sizeimage;
        if (_width <= 0 || _height <= 0)
            throw new CameraException(CameraError.NotACaptureDevice, $"camera {_path} reported an empty frame size");
    }

    private void MapBuffers(int count)
    {
        V4l2RequestBuffers request = default;
        request.count = (uint)count;
        request.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
        request.memory = V4l2.MEMORY_MMAP;
        Control(V4l2.VIDIOC_REQBUFS, &request, "VIDIOC_REQBUFS");
        if (request.count < 2)
            throw new CameraException(CameraError.NotACaptureDevice, $"camera {_path} granted {request.count} buffers; streaming needs at least 2");
        for (uint i = 0; i < request.count; i++)
        {
            V4l2Buffer buffer = default;
            buffer.index = i;
            buffer.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
            buffer.memory = V4l2.MEMORY_MMAP;
            Control(V4l2.VIDIOC_QUERYBUF, &buffer, "VIDIOC_QUERYBUF");
            void* address = Libc.Mmap(null, buffer.length, MemoryMap.ProtRead | MemoryMap.ProtWrite, MemoryMap.MapShared, _fd, buffer.m_offset);
            if (address == Libc.MapFailed) throw Failure("mmap", Marshal.GetLastPInvokeError());
            _buffers.Add(((nint)address, buffer.length));
        }
        for (uint i = 0; i < _buffers.Count; i++) Queue(i);
    }

    private void Queue(uint index)
    {
        V4l2Buffer buffer = default;
        buffer.index = index;
        buffer.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
        buffer.memory = V4l2.MEMORY_MMAP;
        Control(V4l2.VIDIOC_QBUF, &buffer, "VIDIOC_QBUF");
    }

    private void StartStreaming()
    {
        int type = (int)V4l2.BUF_TYPE_VIDEO_CAPTURE;
        Control(V4l2.VIDIOC_STREAMON, &type, "VIDIOC_STREAMON");
        _streaming = true;
    }

    public override FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            int remainingMs = (int)Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            var poll = new PollFd { Fd = _fd, Events = PollEvents.In };
            int ready = Libc.Poll(&poll, 1, remainingMs);
            if (ready == -1)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                throw Failure("poll", errno);
            }
            if (ready == 0) return FrameReadResult.Timeout;
            if ((poll.ReturnedEvents & (PollEvents.Error | PollEvents.HangUp | PollEvents.Invalid)) != 0 && (poll.ReturnedEvents & PollEvents.In) == 0)
                throw new CameraException(CameraError.Disconnected, $"camera {_path} stopped delivering frames (unplugged or driver error)");

            V4l2Buffer buffer = default;
            buffer.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
            buffer.memory = V4l2.MEMORY_MMAP;
            if (Libc.IoctlRetrying(_fd, V4l2.VIDIOC_DQBUF, &buffer) == -1)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EAGAIN) continue;
                throw Failure("VIDIOC_DQBUF", errno);
            }
            try
            {
                if ((buffer.flags & BufferFlagError) != 0 || buffer.index >= _buffers.Count) continue;
                var (address, length) = _buffers[(int)buffer.index];
                int used = (int)Math.Min(buffer.bytesused == 0 ? length : buffer.bytesused, length);
                if (!IsCompressed(_format))
                {
                    int expected = CameraPixelFormats.FrameBytes(_format, _width, _height, _stride);
                    if (used < expected) continue;  // a short (truncated) frame: drop it rather than read garbage
                    used = expected;
                }
                new ReadOnlySpan<byte>((void*)address, used).CopyTo(frame.Prepare(_format, _width, _height, _stride, used));
                frame.Sequence = buffer.sequence;
                frame.TimestampTicks = Stopwatch.GetTimestamp();
                frame.Source = _path;
                return FrameReadResult.Frame;
            }
            finally
            {
                Queue(buffer.index);
            }
        }
    }

    private static bool IsCompressed(CameraPixelFormat format) => format is CameraPixelFormat.MJPEG or CameraPixelFormat.JPEG;

    public override void Dispose()
    {
        if (_fd < 0) return;
        if (_streaming)
        {
            int type = (int)V4l2.BUF_TYPE_VIDEO_CAPTURE;
            Libc.IoctlRetrying(_fd, V4l2.VIDIOC_STREAMOFF, &type);   // best effort: the device may be gone
            _streaming = false;
        }
        foreach (var (address, length) in _buffers) Libc.Munmap((void*)address, length);
        _buffers.Clear();
        V4l2RequestBuffers release = default;
        release.type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
        release.memory = V4l2.MEMORY_MMAP;
        Libc.IoctlRetrying(_fd, V4l2.VIDIOC_REQBUFS, &release);
        Libc.Close(_fd);
        _fd = -1;
    }
}
