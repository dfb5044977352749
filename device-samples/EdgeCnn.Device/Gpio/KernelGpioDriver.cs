using System.Device.Gpio;
using System.Runtime.InteropServices;
using EdgeCnn.Device.Interop;

namespace EdgeCnn.Device.Gpio;

/// <summary>
/// A System.Device.Gpio driver over the Linux GPIO character device (v2 uAPI), with no native library:
/// <c>new GpioController(new KernelGpioDriver("/dev/gpiochip0"))</c> works with every dotnet/iot binding.
/// Pin numbers are line offsets on the chip (BCM numbers on a Raspberry Pi). Each open pin is one line
/// request. Beyond the GpioDriver contract it offers kernel debounce (<see cref="SetDebounce"/>) and
/// hands callbacks a <see cref="KernelPinValueChangedEventArgs"/> carrying the kernel's edge timestamp.
/// Errors name the chip and the line (<see cref="GpioException"/>).
/// </summary>
public sealed unsafe class KernelGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly Dictionary<int, OpenLine> _lines = new();
    private int _chipFd;
    private Thread? _eventThread;
    private volatile bool _stopping;

    private sealed class OpenLine(int fd, PinMode mode)
    {
        public readonly int Fd = fd;
        public PinMode Mode = mode;
        public TimeSpan Debounce;
        public PinEventTypes Events;
        public readonly List<(PinEventTypes Types, PinChangeEventHandler Handler)> Callbacks = new();
    }

    /// <summary>Opens /dev/gpiochip<paramref name="chipNumber"/>.</summary>
    public KernelGpioDriver(int chipNumber) : this($"/dev/gpiochip{chipNumber}") { }

    public KernelGpioDriver(string chipPath = "/dev/gpiochip0")
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8)
            throw new PlatformNotSupportedException("the GPIO character device needs 64-bit Linux");
        ChipPath = chipPath;
        _chipFd = Libc.Open(chipPath, OpenFlags.ReadWrite | OpenFlags.CloseOnExec);
        if (_chipFd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new GpioException(errno switch
            {
                Errno.ENOENT => $"GPIO chip {chipPath} does not exist (list chips with: gpiodetect, or ls /dev/gpiochip*)",
                Errno.EACCES => $"no permission to open GPIO chip {chipPath}: add the user to the 'gpio' group",
                _ => $"cannot open GPIO chip {chipPath}: {Libc.ErrorText(errno)}",
            });
        }
        GpioChipInfoStruct info;
        if (Libc.IoctlRetrying(_chipFd, GpioUapi.GPIO_GET_CHIPINFO_IOCTL, &info) == -1)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(_chipFd);
            _chipFd = -1;
            throw new GpioException($"{chipPath} is not a GPIO chip: {Libc.ErrorText(errno)}");
        }
        ChipName = info.Name;
        ChipLabel = info.Label;
        LineCount = (int)info.lines;
    }

    public string ChipPath { get; }
    /// <summary>The kernel's name of the chip (gpiochipN).</summary>
    public string ChipName { get; }
    /// <summary>What the chip is, e.g. "pinctrl-bcm2711" (Pi 4) or "pinctrl-rp1" (Pi 5).</summary>
    public string ChipLabel { get; }
    public int LineCount { get; }

    protected override int PinCount => LineCount;

    /// <summary>The chip's number (the N of gpiochipN, or -1), name, label and line count.</summary>
    public override GpioChipInfo GetChipInfo() =>
        new(ChipName.StartsWith("gpiochip", StringComparison.Ordinal) && int.TryParse(ChipName.AsSpan(8), out int id) ? id : -1, ChipName, ChipLabel, LineCount);

    /// <summary>Requests the line "as is": the kernel keeps its direction and value until a mode is set.</summary>
    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_lines.ContainsKey(pinNumber)) return;
            if (pinNumber < 0 || pinNumber >= LineCount)
                throw new GpioException($"GPIO line {pinNumber} does not exist on {ChipPath} ({ChipLabel}, lines 0..{LineCount - 1})");
            int fd = RequestLine(pinNumber);
            _lines.Add(pinNumber, new OpenLine(fd, CurrentMode(pinNumber)));
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            if (_lines.Remove(pinNumber, out var line)) Libc.Close(line.Fd);
        }
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinMode GetPinMode(int pinNumber) { lock (_gate) return Line(pinNumber).Mode; }

    /// <summary>An output that stays an output keeps its level; one that becomes an output starts low.</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        PinValue initial = PinValue.Low;
        lock (_gate)
        {
            if (mode == PinMode.Output && Line(pinNumber).Mode == PinMode.Output) initial = Read(pinNumber);
        }
        SetPinMode(pinNumber, mode, initial);
    }

    /// <summary>Changes direction and bias in place (GPIO_V2_LINE_SET_CONFIG); an output starts at <paramref name="initialValue"/> without a glitch.</summary>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        lock (_gate)
        {
            var line = Line(pinNumber);
            bool input = mode != PinMode.Output;
            Reconfigure(pinNumber, line, mode, input ? line.Events : PinEventTypes.None, input ? line.Debounce : TimeSpan.Zero, initialValue);
        }
    }

    /// <summary>Sets the kernel debounce period of an open input line (GPIO_V2_LINE_ATTR_ID_DEBOUNCE); zero turns it off.</summary>
    public void SetDebounce(int pinNumber, TimeSpan period)
    {
        lock (_gate)
        {
            var line = Line(pinNumber);
            if (line.Mode == PinMode.Output) throw new GpioException($"GPIO line {pinNumber} on {ChipPath} is an output; debounce applies to inputs");
            Reconfigure(pinNumber, line, line.Mode, line.Events, period, PinValue.Low);
        }
    }

    public TimeSpan GetDebounce(int pinNumber) { lock (_gate) return Line(pinNumber).Debounce; }

    protected override PinValue Read(int pinNumber)
    {
        int fd;
        lock (_gate) fd = Line(pinNumber).Fd;
        GpioV2LineValues values = default;
        values.mask = 1;
        if (Libc.IoctlRetrying(fd, GpioUapi.GPIO_V2_LINE_GET_VALUES_IOCTL, &values) == -1)
            throw new GpioException($"reading GPIO line {pinNumber} on {ChipPath} failed: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        return (values.bits & 1) != 0 ? PinValue.High : PinValue.Low;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        int fd;
        lock (_gate)
        {
            var line = Line(pinNumber);
            if (line.Mode != PinMode.Output) throw new GpioException($"GPIO line {pinNumber} on {ChipPath} is an input; set PinMode.Output to write");
            fd = line.Fd;
        }
        GpioV2LineValues values = default;
        values.mask = 1;
        values.bits = value == PinValue.High ? 1ul : 0ul;
        if (Libc.IoctlRetrying(fd, GpioUapi.GPIO_V2_LINE_SET_VALUES_IOCTL, &values) == -1)
            throw new GpioException($"writing GPIO line {pinNumber} on {ChipPath} failed: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>Waits for the first edge of the given kinds, through a temporary callback.</summary>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var arrived = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        PinChangeEventHandler handler = (_, e) => { seen = e.ChangeType; arrived.Set(); };
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            try
            {
                arrived.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
            }
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    /// <summary>
    /// Calls <paramref name="callback"/> on a background thread for each edge of the given kinds. Edge
    /// detection and debounce run in the kernel; the thread polls the line fds with a 100 ms timeout so it
    /// notices <see cref="GpioDriver.Dispose()"/>.
    /// </summary>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (eventTypes == PinEventTypes.None) throw new ArgumentException("ask for Rising, Falling or both", nameof(eventTypes));
        lock (_gate)
        {
            var line = Line(pinNumber);
            if (line.Mode == PinMode.Output) throw new GpioException($"GPIO line {pinNumber} on {ChipPath} is an output; events need an input");
            var wanted = line.Events | eventTypes;
            if (wanted != line.Events) Reconfigure(pinNumber, line, line.Mode, wanted, line.Debounce, PinValue.Low);
            line.Callbacks.Add((eventTypes, callback));
            if (_eventThread is null)
            {
                _eventThread = new Thread(EventLoop) { IsBackground = true, Name = $"gpio-events {ChipPath}" };
                _eventThread.Start();
            }
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            if (_lines.TryGetValue(pinNumber, out var line)) line.Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private void EventLoop()
    {
        var fds = new PollFd[GpioUapi.LinesMax];
        var pins = new int[GpioUapi.LinesMax];
        GpioV2LineEvent lineEvent;
        while (!_stopping)
        {
            int count = 0;
            lock (_gate)
            {
                foreach (var (pin, line) in _lines)
                {
                    if (line.Events == PinEventTypes.None || count == fds.Length) continue;
                    fds[count] = new PollFd { Fd = line.Fd, Events = PollEvents.In };
                    pins[count++] = pin;
                }
            }
            if (count == 0) { Thread.Sleep(50); continue; }
            int ready;
            fixed (PollFd* p = fds) ready = Libc.Poll(p, (nuint)count, 100);
            if (ready <= 0) continue;
            for (int i = 0; i < count; i++)
            {
                if ((fds[i].ReturnedEvents & PollEvents.In) == 0) continue;
                if (Libc.Read(fds[i].Fd, &lineEvent, (nuint)sizeof(GpioV2LineEvent)) != sizeof(GpioV2LineEvent)) continue;
                var type = lineEvent.id == GpioUapi.EVENT_RISING_EDGE ? PinEventTypes.Rising : PinEventTypes.Falling;
                (PinEventTypes Types, PinChangeEventHandler Handler)[] callbacks;
                lock (_gate)
                {
                    if (!_lines.TryGetValue(pins[i], out var line)) continue;
                    callbacks = line.Callbacks.ToArray();
                }
                var args = new KernelPinValueChangedEventArgs(type, pins[i], lineEvent.timestamp_ns, lineEvent.line_seqno);
                foreach (var (types, handler) in callbacks)
                    if ((types & type) != 0) handler(this, args);
            }
        }
    }

    private OpenLine Line(int pinNumber)
    {
        ThrowIfDisposed();
        return _lines.TryGetValue(pinNumber, out var line) ? line : throw new GpioException($"GPIO line {pinNumber} on {ChipPath} is not open; call OpenPin first");
    }

    private int RequestLine(int pinNumber)
    {
        var request = LineRequestBuilder.Request(pinNumber, null, PinEventTypes.None, TimeSpan.Zero, PinValue.Low);
        if (Libc.IoctlRetrying(_chipFd, GpioUapi.GPIO_V2_GET_LINE_IOCTL, &request) == -1)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EBUSY)
            {
                string consumer = LineInfo(pinNumber)?.Consumer ?? "";
                throw new GpioException($"GPIO line {pinNumber} on {ChipPath} is busy: used by '{(consumer.Length > 0 ? consumer : "a kernel driver or another program")}'");
            }
            throw new GpioException($"requesting GPIO line {pinNumber} on {ChipPath} failed: {Libc.ErrorText(errno)}");
        }
        return request.fd;
    }

    private GpioV2LineInfo? LineInfo(int pinNumber)
    {
        GpioV2LineInfo info = default;
        info.offset = (uint)pinNumber;
        return Libc.IoctlRetrying(_chipFd, GpioUapi.GPIO_V2_GET_LINEINFO_IOCTL, &info) == -1 ? null : info;
    }

    private PinMode CurrentMode(int pinNumber) => LineInfo(pinNumber) is { } info ? LineRequestBuilder.ModeOf(info.flags) : PinMode.Input;

    private void Reconfigure(int pinNumber, OpenLine line, PinMode mode, PinEventTypes edges, TimeSpan debounce, PinValue initialOutput)
    {
        var config = LineRequestBuilder.Config(mode, edges, debounce, initialOutput);
        if (Libc.IoctlRetrying(line.Fd, GpioUapi.GPIO_V2_LINE_SET_CONFIG_IOCTL, &config) == -1)
            throw new GpioException($"configuring GPIO line {pinNumber} on {ChipPath} failed: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        line.Mode = mode;
        line.Events = edges;
        line.Debounce = debounce;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_chipFd < 0, this);

    protected override void Dispose(bool disposing)
    {
        _stopping = true;
        if (_eventThread is { } thread && thread != Thread.CurrentThread) thread.Join(TimeSpan.FromSeconds(1));
        lock (_gate)
        {
            foreach (var line in _lines.Values) Libc.Close(line.Fd);
            _lines.Clear();
            if (_chipFd >= 0) Libc.Close(_chipFd);
            _chipFd = -1;
        }
        base.Dispose(disposing);
    }
}
