using System.Device.Gpio;
using EdgeCnn.Device.Gpio;
using Iot.Device.Button;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// The optional GPIO side, on any System.Device.Gpio driver (the kernel character device on a board, an
/// in-memory one in tests): an LED driven high while the wanted class is on top, and a button (to
/// ground, internal pull-up, 20 ms debounce, in the kernel when the driver is <see cref="KernelGpioDriver"/>).
/// A press releases <see cref="Presses"/>; a double press switches between one frame per press and every
/// frame (<see cref="Continuous"/>); holding it for <see cref="HoldTime"/> raises <see cref="HoldStarted"/>.
/// Disposing turns the LED off and releases the lines.
/// </summary>
public sealed class GpioIndicator : IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan DoublePressWindow = TimeSpan.FromMilliseconds(600);
    public static readonly TimeSpan HoldTime = TimeSpan.FromSeconds(2);

    private readonly GpioController _controller;
    private readonly string _driverDescription;
    private readonly int? _led;
    private readonly string? _label;
    private readonly LineButton? _button;
    private bool _ledOn;
    private volatile bool _continuous;

    public GpioIndicator(GpioDriver driver, int? ledLine, string? ledLabel, int? buttonLine)
    {
        _driverDescription = driver is KernelGpioDriver kernel ? $"{kernel.ChipPath} ({kernel.ChipLabel})" : driver.GetType().Name;
        _controller = new GpioController(driver);
        try
        {
            if (ledLine is { } led)
            {
                _controller.OpenPin(led, PinMode.Output, PinValue.Low);
                _led = led;
                _label = ledLabel;
            }
            if (buttonLine is { } line)
            {
                _button = new LineButton(_controller, line, pullUp: true, DoublePressWindow, HoldTime, Debounce)
                {
                    IsDoublePressEnabled = true,
                    IsHoldingEnabled = true,
                };
                if (driver is KernelGpioDriver kernelDriver) kernelDriver.SetDebounce(line, Debounce);
                _button.Press += (_, _) => Presses.Release();
                _button.DoublePress += (_, _) => ToggleContinuous();
                _button.Holding += (_, e) => { if (e.HoldingState == ButtonHoldingState.Started) HoldStarted?.Invoke(); };
            }
        }
        catch
        {
            _button?.Dispose();
            _controller.Dispose();
            throw;
        }
    }

    public bool HasButton => _button is not null;

    /// <summary>True after a double press: classify every frame until the next double press.</summary>
    public bool Continuous => _continuous;

    /// <summary>Raised (on the GPIO event thread) when the button has been held for <see cref="HoldTime"/>.</summary>
    public event Action? HoldStarted;

    public string Description =>
        _driverDescription + (_led is { } l ? $", LED on line {l} while '{_label}'" : "") + (_button is { } b ? $", button on line {b.Line} (press: classify, double press: continuous on/off, hold {HoldTime.TotalSeconds:0} s: stop)" : "");

    /// <summary>One release per button press.</summary>
    public SemaphoreSlim Presses { get; } = new(0);

    private void ToggleContinuous()
    {
        _continuous = !_continuous;
        // Presses that arrived while running continuously (the double press itself) must not each
        // trigger a frame once one-per-press resumes.
        while (Presses.CurrentCount > 0 && Presses.Wait(0)) { }
    }

    /// <summary>Whether a prediction label names the LED's class: the whole label or one of its comma-separated names, ignoring case.</summary>
    public static bool LabelMatches(string label, string wanted)
    {
        if (label.Equals(wanted, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var part in label.Split(','))
            if (part.Trim().Equals(wanted, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public void Show(string topLabel)
    {
        if (_led is not { } led) return;
        bool on = LabelMatches(topLabel, _label!);
        if (on == _ledOn) return;
        _controller.Write(led, on ? PinValue.High : PinValue.Low);
        _ledOn = on;
    }

    public void Dispose()
    {
        if (_led is { } led && _ledOn)
        {
            try { _controller.Write(led, PinValue.Low); } catch (GpioException) { }
        }
        _button?.Dispose();
        _controller.Dispose();
        Presses.Dispose();
    }
}
