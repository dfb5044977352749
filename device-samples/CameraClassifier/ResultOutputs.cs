using EdgeCnn.CameraClassifier.Display;

namespace EdgeCnn.CameraClassifier;

/// <summary>Where a result goes besides stdout (the LED and the display), and when the next frame is due (the button).</summary>
internal sealed record ResultOutputs(GpioIndicator? Gpio, ResultScreen? Screen)
{
    public void Show(Prediction top, string rate, bool now)
    {
        Gpio?.Show(top.Label);
        Screen?.Show(top, rate, now);
    }

    /// <summary>Waits for a button press unless there is no button or it switched to every frame.</summary>
    public bool WaitForTurn(CancellationToken stop)
    {
        if (Gpio is not { HasButton: true } gpio || gpio.Continuous) return !stop.IsCancellationRequested;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (gpio.Presses.Wait(TimeSpan.FromMilliseconds(250), stop)) return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            if (gpio.Continuous) return true;
        }
        return false;
    }

    public bool WaitsForPresses => Gpio is { HasButton: true, Continuous: false };
}
