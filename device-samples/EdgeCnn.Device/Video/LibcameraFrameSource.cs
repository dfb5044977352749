using System.Diagnostics;

namespace EdgeCnn.Device.Video;

/// <summary>
/// Raspberry Pi CSI cameras through libcamera: runs <c>rpicam-vid --codec yuv420 -o -</c> and reads
/// raw I420 frames (w*h*3/2 bytes each) from its stdout, as Iot.Device.Camera does. A reader thread
/// keeps only the newest complete frame; <see cref="ReadFrame"/> waits for it with a timeout.
/// Use a width that is a multiple of 64 (640, 1280...) so rows carry no stride padding.
/// </summary>
public sealed class LibcameraFrameSource : IFrameSource
{
    public const string Program = "rpicam-vid";
    private readonly Process _process;
    private readonly Thread _reader;
    private readonly object _gate = new();
    private readonly int _width, _height, _frameBytes;
    private VideoFrame _filling = new(), _ready = new();
    private bool _hasFrame;
    private string? _failure;
    private long _sequence;
    private readonly Queue<string> _stderrTail = new();
    private volatile bool _disposed;

    public LibcameraFrameSource(int width = 640, int height = 480, int framerate = 30, int cameraIndex = 0, string? programPath = null)
    {
        if (width <= 0 || height <= 0 || (width & 1) != 0 || (height & 1) != 0)
            throw new ArgumentException($"libcamera frame size {width}x{height} must be positive and even");
        _width = width;
        _height = height;
        _frameBytes = CameraPixelFormats.FrameBytes(CameraPixelFormat.YUV420, width, height, width);
        string program = programPath ?? FindOnPath(Program)
            ?? throw new CameraException(CameraError.ProgramMissing,
                $"{Program} was not found on PATH: install rpicam-apps (sudo apt install rpicam-apps) or use --device /dev/videoN for a USB camera");
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--codec", "yuv420", "--width", $"{width}", "--height", $"{height}", "--framerate", $"{framerate}",
                     "--camera", $"{cameraIndex}", "--timeout", "0", "--nopreview", "--flush", "--output", "-" })
            info.ArgumentList.Add(argument);
        try
        {
            _process = Process.Start(info) ?? throw new CameraException(CameraError.ProgramMissing, $"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CameraException(CameraError.ProgramMissing, $"could not start {program}: {e.Message}", e);
        }
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_stderrTail) { _stderrTail.Enqueue(line); if (_stderrTail.Count > 5) _stderrTail.Dequeue(); } };
        _process.BeginErrorReadLine();
        Description = $"libcamera camera {cameraIndex} via {Program} {width}x{height} I420";
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "rpicam-vid reader" };
        _reader.Start();
    }

    public string Description { get; }

    /// <summary>Complete frames read from the program so far (newer ones replace unread older ones).</summary>
    public long FramesReceived { get { lock (_gate) return _framesReceived; } private set => _framesReceived = value; }
    private long _framesReceived;

    private void ReadLoop()
    {
        var stdout = _process.StandardOutput.BaseStream;
        try
        {
            while (!_disposed)
            {
                var span = _filling.Prepare(CameraPixelFormat.YUV420, _width, _height, _width, _frameBytes);
                int read = stdout.ReadAtLeast(span, _frameBytes, throwOnEndOfStream: false);
                if (read < _frameBytes) { Fail($"{Program} stopped sending frames"); return; }
                _filling.Sequence = _sequence++;
                _filling.TimestampTicks = Stopwatch.GetTimestamp();
                _filling.Source = Program;
                lock (_gate)
                {
                    FramesReceived++;
                    (_filling, _ready) = (_ready, _filling);
                    _hasFrame = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Fail($"reading from {Program} failed: {e.Message}");
        }
    }

    private void Fail(string message)
    {
        // Let the program's stderr explain why (camera busy, not detected): once it has exited,
        // WaitForExit() without a timeout also waits for the redirected stderr to be drained.
        if (!_disposed && _process.WaitForExit(2000)) _process.WaitForExit();
        string tail;
        lock (_stderrTail) tail = string.Join(" | ", _stderrTail);
        lock (_gate)
        {
            _failure = tail.Length > 0 ? $"{message}: {tail}" : message;
            Monitor.PulseAll(_gate);
        }
    }

    public FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (!_hasFrame && _failure is null)
            {
                long remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0) return FrameReadResult.Timeout;
                Monitor.Wait(_gate, TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
            }
            if (!_hasFrame) throw new CameraException(CameraError.Disconnected, _failure!);
            frame.CopyFrom(_ready);
            _hasFrame = false;
            return FrameReadResult.Frame;
        }
    }

    internal static string? FindOnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { if (!_process.HasExited) _process.Kill(); } catch (InvalidOperationException) { }
        _process.WaitForExit(2000);
        _reader.Join(TimeSpan.FromSeconds(2));
        _process.Dispose();
    }
}
