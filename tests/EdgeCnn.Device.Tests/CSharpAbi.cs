using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeCnn.Device.Interop;
using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// What the C# device layer believes about the kernel ABI, under the same names the C probe
/// (tools/device/abi-probe.c) prints. Both x86_64 and aarch64 are LP64 Linux with the generic ioctl
/// encoding, so one table serves both.
/// </summary>
internal static class CSharpAbi
{
    public static Dictionary<string, long> Collect()
    {
        var facts = new Dictionary<string, long>();
        void Size<T>(string cName) where T : struct
        {
            int unsafeSize = Unsafe.SizeOf<T>();
            int marshalSize = Marshal.SizeOf<T>();
            if (unsafeSize != marshalSize) throw new InvalidOperationException($"{typeof(T).Name}: Unsafe.SizeOf {unsafeSize} != Marshal.SizeOf {marshalSize}");
            facts[$"sizeof.{cName}"] = unsafeSize;
        }
        void Off<T>(string cName, string cField, string? csField = null) where T : struct
            => facts[$"offsetof.{cName}.{cField}"] = Marshal.OffsetOf<T>(csField ?? cField).ToInt64();
        void Ioctl(string name, nuint value) => facts[$"ioctl.{name}"] = (long)value;
        void Const(string name, long value) => facts[$"const.{name}"] = value;

        Size<V4l2Capability>("v4l2_capability");
        foreach (var f in new[] { "driver", "card", "bus_info", "version", "capabilities", "device_caps", "reserved" }) Off<V4l2Capability>("v4l2_capability", f);
        Size<V4l2FmtDesc>("v4l2_fmtdesc");
        foreach (var f in new[] { "index", "type", "flags", "description", "pixelformat", "mbus_code", "reserved" }) Off<V4l2FmtDesc>("v4l2_fmtdesc", f);
        Size<V4l2PixFormat>("v4l2_pix_format");
        foreach (var f in new[] { "width", "height", "pixelformat", "field", "bytesperline", "sizeimage", "colorspace", "priv", "flags", "ycbcr_enc", "quantization", "xfer_func" })
            Off<V4l2PixFormat>("v4l2_pix_format", f);
        Size<V4l2Format>("v4l2_format");
        Off<V4l2Format>("v4l2_format", "type");
        Off<V4l2Format>("v4l2_format", "fmt.pix", "pix");
        Size<V4l2RequestBuffers>("v4l2_requestbuffers");
        foreach (var f in new[] { "count", "type", "memory", "capabilities", "flags", "reserved" }) Off<V4l2RequestBuffers>("v4l2_requestbuffers", f);
        Size<TimeVal>("timeval");
        Off<TimeVal>("timeval", "tv_sec");
        Off<TimeVal>("timeval", "tv_usec");
        Size<V4l2Timecode>("v4l2_timecode");
        foreach (var f in new[] { "type", "flags", "frames", "seconds", "minutes", "hours", "userbits" }) Off<V4l2Timecode>("v4l2_timecode", f);
        Size<V4l2Buffer>("v4l2_buffer");
        foreach (var f in new[] { "index", "type", "bytesused", "flags", "field", "timestamp", "timecode", "sequence", "memory", "length", "reserved2", "request_fd" })
            Off<V4l2Buffer>("v4l2_buffer", f);
        Off<V4l2Buffer>("v4l2_buffer", "m.offset", "m_offset");
        Off<V4l2Buffer>("v4l2_buffer", "m.userptr", "m_userptr");

        Ioctl("VIDIOC_QUERYCAP", V4l2.VIDIOC_QUERYCAP);
        Ioctl("VIDIOC_ENUM_FMT", V4l2.VIDIOC_ENUM_FMT);
        Ioctl("VIDIOC_G_FMT", V4l2.VIDIOC_G_FMT);
        Ioctl("VIDIOC_S_FMT", V4l2.VIDIOC_S_FMT);
        Ioctl("VIDIOC_REQBUFS", V4l2.VIDIOC_REQBUFS);
        Ioctl("VIDIOC_QUERYBUF", V4l2.VIDIOC_QUERYBUF);
        Ioctl("VIDIOC_QBUF", V4l2.VIDIOC_QBUF);
        Ioctl("VIDIOC_DQBUF", V4l2.VIDIOC_DQBUF);
        Ioctl("VIDIOC_STREAMON", V4l2.VIDIOC_STREAMON);
        Ioctl("VIDIOC_STREAMOFF", V4l2.VIDIOC_STREAMOFF);

        Const("V4L2_BUF_TYPE_VIDEO_CAPTURE", V4l2.BUF_TYPE_VIDEO_CAPTURE);
        Const("V4L2_MEMORY_MMAP", V4l2.MEMORY_MMAP);
        Const("V4L2_FIELD_ANY", V4l2.FIELD_ANY);
        Const("V4L2_FIELD_NONE", V4l2.FIELD_NONE);
        Const("V4L2_CAP_VIDEO_CAPTURE", V4l2.CAP_VIDEO_CAPTURE);
        Const("V4L2_CAP_VIDEO_CAPTURE_MPLANE", V4l2.CAP_VIDEO_CAPTURE_MPLANE);
        Const("V4L2_CAP_STREAMING", V4l2.CAP_STREAMING);
        Const("V4L2_CAP_DEVICE_CAPS", V4l2.CAP_DEVICE_CAPS);
        Const("V4L2_PIX_FMT_YUYV", (uint)CameraPixelFormat.YUYV);
        Const("V4L2_PIX_FMT_MJPEG", (uint)CameraPixelFormat.MJPEG);
        Const("V4L2_PIX_FMT_JPEG", (uint)CameraPixelFormat.JPEG);
        Const("V4L2_PIX_FMT_NV12", (uint)CameraPixelFormat.NV12);
        Const("V4L2_PIX_FMT_YUV420", (uint)CameraPixelFormat.YUV420);
        Const("V4L2_PIX_FMT_RGB24", (uint)CameraPixelFormat.RGB24);

        Size<GpioChipInfoStruct>("gpiochip_info");
        foreach (var f in new[] { "name", "label", "lines" }) Off<GpioChipInfoStruct>("gpiochip_info", f);
        Size<GpioV2LineAttribute>("gpio_v2_line_attribute");
        foreach (var f in new[] { "id", "padding", "flags", "values", "debounce_period_us" }) Off<GpioV2LineAttribute>("gpio_v2_line_attribute", f);
        Size<GpioV2LineConfigAttribute>("gpio_v2_line_config_attribute");
        foreach (var f in new[] { "attr", "mask" }) Off<GpioV2LineConfigAttribute>("gpio_v2_line_config_attribute", f);
        Size<GpioV2LineConfig>("gpio_v2_line_config");
        foreach (var f in new[] { "flags", "num_attrs", "padding", "attrs" }) Off<GpioV2LineConfig>("gpio_v2_line_config", f);
        Size<GpioV2LineRequest>("gpio_v2_line_request");
        foreach (var f in new[] { "offsets", "consumer", "config", "num_lines", "event_buffer_size", "padding", "fd" }) Off<GpioV2LineRequest>("gpio_v2_line_request", f);
        Size<GpioV2LineValues>("gpio_v2_line_values");
        foreach (var f in new[] { "bits", "mask" }) Off<GpioV2LineValues>("gpio_v2_line_values", f);
        Size<GpioV2LineInfo>("gpio_v2_line_info");
        foreach (var f in new[] { "name", "consumer", "offset", "num_attrs", "flags", "attrs", "padding" }) Off<GpioV2LineInfo>("gpio_v2_line_info", f);
        Size<GpioV2LineEvent>("gpio_v2_line_event");
        foreach (var f in new[] { "timestamp_ns", "id", "offset", "seqno", "line_seqno", "padding" }) Off<GpioV2LineEvent>("gpio_v2_line_event", f);

        Ioctl("GPIO_GET_CHIPINFO_IOCTL", GpioUapi.GPIO_GET_CHIPINFO_IOCTL);
        Ioctl("GPIO_V2_GET_LINEINFO_IOCTL", GpioUapi.GPIO_V2_GET_LINEINFO_IOCTL);
        Ioctl("GPIO_V2_GET_LINE_IOCTL", GpioUapi.GPIO_V2_GET_LINE_IOCTL);
        Ioctl("GPIO_V2_LINE_SET_CONFIG_IOCTL", GpioUapi.GPIO_V2_LINE_SET_CONFIG_IOCTL);
        Ioctl("GPIO_V2_LINE_GET_VALUES_IOCTL", GpioUapi.GPIO_V2_LINE_GET_VALUES_IOCTL);
        Ioctl("GPIO_V2_LINE_SET_VALUES_IOCTL", GpioUapi.GPIO_V2_LINE_SET_VALUES_IOCTL);

        Const("GPIO_MAX_NAME_SIZE", GpioUapi.MaxNameSize);
        Const("GPIO_V2_LINES_MAX", GpioUapi.LinesMax);
        Const("GPIO_V2_LINE_NUM_ATTRS_MAX", GpioUapi.LineNumAttrsMax);
        Const("GPIO_V2_LINE_FLAG_USED", (long)GpioUapi.FLAG_USED);
        Const("GPIO_V2_LINE_FLAG_ACTIVE_LOW", (long)GpioUapi.FLAG_ACTIVE_LOW);
        Const("GPIO_V2_LINE_FLAG_INPUT", (long)GpioUapi.FLAG_INPUT);
        Const("GPIO_V2_LINE_FLAG_OUTPUT", (long)GpioUapi.FLAG_OUTPUT);
        Const("GPIO_V2_LINE_FLAG_EDGE_RISING", (long)GpioUapi.FLAG_EDGE_RISING);
        Const("GPIO_V2_LINE_FLAG_EDGE_FALLING", (long)GpioUapi.FLAG_EDGE_FALLING);
        Const("GPIO_V2_LINE_FLAG_OPEN_DRAIN", (long)GpioUapi.FLAG_OPEN_DRAIN);
        Const("GPIO_V2_LINE_FLAG_OPEN_SOURCE", (long)GpioUapi.FLAG_OPEN_SOURCE);
        Const("GPIO_V2_LINE_FLAG_BIAS_PULL_UP", (long)GpioUapi.FLAG_BIAS_PULL_UP);
        Const("GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN", (long)GpioUapi.FLAG_BIAS_PULL_DOWN);
        Const("GPIO_V2_LINE_FLAG_BIAS_DISABLED", (long)GpioUapi.FLAG_BIAS_DISABLED);
        Const("GPIO_V2_LINE_ATTR_ID_FLAGS", GpioUapi.ATTR_ID_FLAGS);
        Const("GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES", GpioUapi.ATTR_ID_OUTPUT_VALUES);
        Const("GPIO_V2_LINE_ATTR_ID_DEBOUNCE", GpioUapi.ATTR_ID_DEBOUNCE);
        Const("GPIO_V2_LINE_EVENT_RISING_EDGE", GpioUapi.EVENT_RISING_EDGE);
        Const("GPIO_V2_LINE_EVENT_FALLING_EDGE", GpioUapi.EVENT_FALLING_EDGE);

        Size<PollFd>("pollfd");
        Off<PollFd>("pollfd", "fd", "Fd");
        Off<PollFd>("pollfd", "events", "Events");
        Off<PollFd>("pollfd", "revents", "ReturnedEvents");
        Const("POLLIN", PollEvents.In);
        Const("POLLPRI", PollEvents.Priority);
        Const("POLLERR", PollEvents.Error);
        Const("POLLHUP", PollEvents.HangUp);
        Const("POLLNVAL", PollEvents.Invalid);
        Const("O_RDONLY", OpenFlags.ReadOnly);
        Const("O_RDWR", OpenFlags.ReadWrite);
        Const("O_NONBLOCK", OpenFlags.NonBlocking);
        Const("O_CLOEXEC", OpenFlags.CloseOnExec);
        Const("PROT_READ", MemoryMap.ProtRead);
        Const("PROT_WRITE", MemoryMap.ProtWrite);
        Const("MAP_SHARED", MemoryMap.MapShared);
        Const("ENOENT", Errno.ENOENT);
        Const("EINTR", Errno.EINTR);
        Const("EIO", Errno.EIO);
        Const("EAGAIN", Errno.EAGAIN);
        Const("EACCES", Errno.EACCES);
        Const("EBUSY", Errno.EBUSY);
        Const("ENODEV", Errno.ENODEV);
        Const("EINVAL", Errno.EINVAL);
        return facts;
    }
}
