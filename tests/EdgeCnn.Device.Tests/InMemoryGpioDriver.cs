using System.Device.Gpio;

namespace EdgeCnn.Device.Tests;

/// <summary>
/// A System.Device.Gpio driver with no hardware: outputs record what was written, and the test drives
/// inputs with <see cref="SetInput"/>, which raises the edge callbacks as a kernel driver would (on the
/// calling thread). Used through <c>new GpioController(driver)</c>, so it exercises the same contract
/// as <c>KernelGpioDriver</c> and the bindings.
/// </summary>
internal sealed class InMemoryGpioDriver(int pinCount = 28) : GpioDriver
{
    private readonly object _gate = new();
    private readonly Dictionary<int, PinMode> _modes = new();
    private readonly Dictionary<int, PinValue> _levels = new();
    private readonly List<(int Pin, PinEventTypes Types, PinChangeEventHandler Handler)> _callbacks = new();

    /// <summary>Every value written to an output, in order, per pin.</summary>
    public Dictionary<int, List<PinValue>> Writes { get; } = new();
    public bool Disposed { get; private set; }

    protected override int PinCount => pinCount;

    public bool IsOpen(int pin) { lock (_gate) return _modes.ContainsKey(pin); }
    public PinMode ModeOf(int pin) { lock (_gate) return _modes[pin]; }
    public PinValue LevelOf(int pin) { lock (_gate) return _levels.GetValueOrDefault(pin, PinValue.Low); }

    /// <summary>Drives an input pin to <paramref name="level"/>; a change raises Rising or Falling callbacks.</summary>
    public void SetInput(int pin, PinValue level)
    {
        PinChangeEventHandler[] handlers;
        PinEventTypes edge;
        lock (_gate)
        {
            if (!_modes.TryGetValue(pin, out var mode) || mode == PinMode.Output) throw new InvalidOperationException($"pin {pin} is not an open input");
            var old = _levels.GetValueOrDefault(pin, mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low);
            _levels[pin] = level;
            if (old == level) return;
            edge = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            handlers = _callbacks.Where(c => c.Pin == pin && (c.Types & edge) != 0).Select(c => c.Handler).ToArray();
        }
        var args = new PinValueChangedEventArgs(edge, pin);
        foreach (var handler in handlers) handler(this, args);
    }

    protected override void OpenPin(int pinNumber)
    {
        if (pinNumber < 0 || pinNumber >= pinCount) throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"pins are 0..{pinCount - 1}");
        lock (_gate) _modes.TryAdd(pinNumber, PinMode.Input);
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            _modes.Remove(pinNumber);
            _callbacks.RemoveAll(c => c.Pin == pinNumber);
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => SetPinMode(pinNumber, mode, PinValue.Low);

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        lock (_gate)
        {
            if (!_modes.ContainsKey(pinNumber)) throw new InvalidOperationException($"pin {pinNumber} is not open");
            _modes[pinNumber] = mode;
            _levels[pinNumber] = mode switch
            {
                PinMode.Output => initialValue,
                PinMode.InputPullUp => PinValue.High,
                _ => PinValue.Low,
            };
        }
    }

    protected override PinMode GetPinMode(int pinNumber) { lock (_gate) return _modes[pinNumber]; }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber) => LevelOf(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            if (_modes.GetValueOrDefault(pinNumber, PinMode.Input) != PinMode.Output) throw new InvalidOperationException($"pin {pinNumber} is not an output");
            _levels[pinNumber] = value;
            if (!Writes.TryGetValue(pinNumber, out var list)) Writes[pinNumber] = list = new();
            list.Add(value);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        using var arrived = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        PinChangeEventHandler handler = (_, e) => { seen = e.ChangeType; arrived.Set(); };
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, handler);
        try
        {
            arrived.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, handler);
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate) _callbacks.Add((pinNumber, eventTypes, callback));
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate) _callbacks.RemoveAll(c => c.Pin == pinNumber && c.Handler == callback);
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
