using System.Device.Gpio;
using Iot.Device.Button;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// A push button on one GPIO line with Iot.Device.Bindings' press, double-press and hold logic
/// (<see cref="ButtonBase"/>). It does what the bindings' GpioButton does, on a controller the caller
/// must pass: GpioButton's optional-controller default (<c>new GpioController()</c>) drags
/// System.Device.Gpio's board-detection and libgpiod drivers into a trimmed binary, and with them a
/// trim warning (IL2091 in UnmanagedArray&lt;T&gt;), though this program never uses them.
/// </summary>
public sealed class LineButton : ButtonBase
{
    private readonly GpioController _controller;
    private readonly int _line;
    private readonly bool _pullUp;
    private bool _disposed;

    /// <param name="pullUp">True for a button to ground with the internal pull-up (pressed = low); false for a button to 3.3 V with the pull-down.</param>
    public LineButton(GpioController controller, int line, bool pullUp, TimeSpan doublePress, TimeSpan holding, TimeSpan debounce)
        : base(doublePress, holding, debounce)
    {
        _controller = controller;
        _line = line;
        _pullUp = pullUp;
        _controller.OpenPin(line, pullUp ? PinMode.InputPullUp : PinMode.InputPullDown);
        try
        {
            _controller.RegisterCallbackForPinValueChangedEvent(line, PinEventTypes.Falling | PinEventTypes.Rising, OnEdge);
        }
        catch
        {
            _controller.ClosePin(line);
            throw;
        }
    }

    public int Line => _line;

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        bool pressed = (e.ChangeType == PinEventTypes.Falling) == _pullUp;
        if (pressed) HandleButtonPressed();
        else HandleButtonReleased();
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            if (_controller.IsPinOpen(_line))
            {
                _controller.UnregisterCallbackForPinValueChangedEvent(_line, OnEdge);
                _controller.ClosePin(_line);
            }
        }
        base.Dispose(disposing);
    }
}
