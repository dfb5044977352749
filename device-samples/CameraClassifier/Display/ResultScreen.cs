using System.Diagnostics;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// Feeds a display from the classification loop: at most one update per <paramref name="minInterval"/>
/// (an I2C OLED frame takes tens of milliseconds at 100 kHz; the loop must not wait on it every frame),
/// and a display that stops answering is reported once and left alone while classification goes on.
/// </summary>
public sealed class ResultScreen(IResultDisplay display, TimeSpan minInterval) : IDisposable
{
    private long _lastShown;
    private bool _failed;

    public void Show(Prediction top, string rate, bool now = false)
    {
        if (_failed) return;
        if (!now && _lastShown != 0 && Stopwatch.GetElapsedTime(_lastShown) < minInterval) return;
        try
        {
            display.Show(top, rate);
            _lastShown = Stopwatch.GetTimestamp();
        }
        catch (IOException e)
        {
            _failed = true;
            Console.Error.WriteLine($"display: {display.Description} failed ({e.Message}); classification goes on without it");
        }
    }

    public void Dispose() => display.Dispose();
}
