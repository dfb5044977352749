using System.Diagnostics;

namespace EdgeCnn.Device.Video;

/// <summary>
/// The latest-frame policy for live cameras: a capture thread reads frames as fast as the camera
/// delivers them and keeps only the newest; the consumer takes that one and never sees a stale frame.
/// Three frame buffers rotate (capturing, newest, held by the consumer), so nothing queues and
/// nothing is allocated per frame. When a camera that has delivered frames goes away (unplugged, busy,
/// stalled), the thread closes it and opens it again with exponential backoff, reporting each step
/// through <c>log</c>. A camera that fails before its first frame (missing device, no rpicam-vid, a
/// program that exits at once) is an error for the consumer, unless <see cref="WaitForCamera"/> asks to
/// keep retrying. The thread reads in short slices, so <see cref="Dispose"/> returns within about
/// <see cref="ReadSlice"/> even while the camera sends nothing.
/// </summary>
public sealed class LatestFrameGrabber : IDisposable
{
    private readonly Func<IFrameSource> _open;
    private readonly Action<string> _log;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private VideoFrame _capturing = new(), _newest = new();
    private bool _hasNewest;
    private bool _ended;
    private Exception? _fatal;

    public LatestFrameGrabber(Func<IFrameSource> open, Action<string>? log = null)
    {
        _open = open;
        _log = log ?? (_ => { });
        _thread = new Thread(CaptureLoop) { IsBackground = true, Name = "frame capture" };
    }

    /// <summary>First wait before reopening a failed camera; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A camera that sends nothing for this long is treated as gone and reopened.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Retry with backoff even before the first frame (the camera may be plugged in later).</summary>
    public bool WaitForCamera { get; init; }
    /// <summary>The longest single wait inside the source, which bounds how long stopping takes.</summary>
    public TimeSpan ReadSlice { get; init; } = TimeSpan.FromMilliseconds(200);

    public long FramesCaptured { get; private set; }
    /// <summary>Frames replaced by a newer one before anyone took them (the price of never being stale).</summary>
    public long FramesDropped { get; private set; }
    public int Reconnects { get; private set; }
    public string? SourceDescription { get; private set; }

    public void Start() => _thread.Start();

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a frame newer than the last one taken and swaps it
    /// with <paramref name="frame"/> (the caller's old buffer goes back into rotation).
    /// Returns false on timeout, after the source ended, or after <see cref="Dispose"/>.
    /// Throws the camera's error when it cannot be recovered (unsupported format, no permission).
    /// </summary>
    public bool TryTakeLatest(ref VideoFrame frame, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_gate)
        {
            while (!_hasNewest)
            {
                if (_fatal is not null) throw _fatal;
                if (_ended || _stop.IsCancellationRequested) return false;
                long remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0) return false;
                Monitor.Wait(_gate, TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
            }
            (frame, _newest) = (_newest, frame);
            _hasNewest = false;
            return true;
        }
    }

    public bool HasEnded { get { lock (_gate) return _ended || _fatal is not null; } }

    private void CaptureLoop()
    {
        var backoff = InitialBackoff;
        IFrameSource? source = null;
        long lastFrame = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    if (source is null)
                    {
                        source = _open();
                        SourceDescription = source.Description;
                        lastFrame = Stopwatch.GetTimestamp();
                        _log($"camera: streaming from {source.Description}");
                    }
                    var wait = ReadSlice < StallTimeout ? ReadSlice : StallTimeout;
                    var result = source.ReadFrame(_capturing, wait);
                    if (result == FrameReadResult.EndOfStream) { End(null); return; }
                    if (result == FrameReadResult.Timeout)
                    {
                        if (Stopwatch.GetElapsedTime(lastFrame) < StallTimeout) continue;
                        throw new CameraException(CameraError.Disconnected, $"no frame for {StallTimeout.TotalSeconds:0.#} s from {source.Description}");
                    }
                    lastFrame = Stopwatch.GetTimestamp();
                    backoff = InitialBackoff;
                    lock (_gate)
                    {
                        (_capturing, _newest) = (_newest, _capturing);
                        if (_hasNewest) FramesDropped++;
                        _hasNewest = true;
                        FramesCaptured++;
                        Monitor.PulseAll(_gate);
                    }
                }
                catch (CameraException e) when (e.IsTransient && (WaitForCamera || FramesCaptured > 0))
                {
                    source?.Dispose();
                    source = null;
                    _log($"camera: {e.Message}; retrying in {backoff.TotalSeconds:0.#} s");
                    if (_stop.Token.WaitHandle.WaitOne(backoff)) return;
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    Reconnects++;
                }
            }
        }
        catch (Exception e)
        {
            End(e);
        }
        finally
        {
            source?.Dispose();
        }
    }

    private void End(Exception? fatal)
    {
        lock (_gate)
        {
            _ended = true;
            _fatal = fatal;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops the capture thread and closes the camera (stream off, buffers unmapped).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        lock (_gate) Monitor.PulseAll(_gate);
        // The thread leaves within one read slice; if a driver call hangs beyond that, leave the
        // token alive for it rather than pull it from under a running thread.
        if (_thread.IsAlive && !_thread.Join(ReadSlice + TimeSpan.FromMilliseconds(500))) return;
        _stop.Dispose();
    }
}
