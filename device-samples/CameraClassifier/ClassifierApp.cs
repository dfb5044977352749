using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EdgeCnn.CameraClassifier.Display;
using EdgeCnn.Device.Gpio;
using EdgeCnn.Device.Video;
using EdgeCnn.Format;
using EdgeCnn.Imaging;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// Continuous classification: camera (V4L2 or libcamera) through the latest-frame grabber, or image
/// files one by one; prints the top-k classes with per-frame latency and FPS; optional LED, button and
/// display. Exit codes: 0 done or stopped, 1 a bad model, file or GPIO/display problem, 2 bad arguments
/// or no usable camera (missing, busy or no rpicam-vid at start; --wait-for-camera waits instead).
/// Ctrl+C, SIGTERM or holding the button stops cleanly: stream off, lines released; if cleaning up
/// takes more than a second, the program exits anyway.
/// </summary>
public static class ClassifierApp
{
    public static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(1);

    public static int Run(string[] args) => Run(args, BoardDevices.Kernel);

    public static int Run(string[] args, BoardDevices devices)
    {
        ClassifierOptions options;
        try
        {
            options = ClassifierOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(ClassifierOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(ClassifierOptions.Usage);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        var finished = new ManualResetEventSlim();
        int stopping = 0;
        void RequestStop()
        {
            if (Interlocked.Exchange(ref stopping, 1) == 1) return;
            stop.Cancel();
            // The loop checks the token between frames and every 250 ms; a driver call that hangs must
            // not keep the program alive after the user asked it to stop.
            new Thread(() =>
            {
                if (finished.Wait(StopDeadline)) return;
                Console.Error.WriteLine($"stopping took longer than {StopDeadline.TotalSeconds:0} s; exiting now");
                Environment.Exit(1);
            }) { IsBackground = true, Name = "stop deadline" }.Start();
        }
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; RequestStop(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; RequestStop(); });
        try
        {
            return Execute(options, devices, RequestStop, stop.Token);
        }
        catch (CameraException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is GpioException or EcnnFormatException or ImageFormatException or FileNotFoundException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            finished.Set();
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Execute(ClassifierOptions options, BoardDevices devices, Action requestStop, CancellationToken stop)
    {
        string modelPath = options.ModelPath ?? BundledFiles.Find(BundledFiles.DefaultModel)
            ?? throw new FileNotFoundException($"no model given and the bundled {BundledFiles.DefaultModel} was not found (looked in {BundledFiles.SearchedPlaces(BundledFiles.DefaultModel)}); pass --model PATH");
        using var classifier = new FrameClassifier(modelPath, options.TopK, options.Threads);
        Console.WriteLine($"model: {classifier.ModelName} (input {classifier.InputDescription}, {options.Threads} threads)");
        // What the kernel dispatch saw on this CPU (NeonDot=1: the SDOT GEMM runs), so a board's log says which path it took.
        Console.WriteLine($"cpu: {EdgeCnn.Kernels.Isa.IsaSupport.Describe()}");

        GpioIndicator? gpio = null;
        ResultScreen? screen = null;
        try
        {
            if (options.LedLine is not null || options.ButtonLine is not null)
            {
                string chip = options.Chip ?? GpioChips.FindHeaderChip()?.Path ?? "/dev/gpiochip0";
                gpio = new GpioIndicator(devices.OpenGpioChip(chip), options.LedLine, options.LedLabel, options.ButtonLine);
                gpio.HoldStarted += requestStop;
                Console.WriteLine($"gpio: {gpio.Description}");
            }
            if (options.Display is { } spec)
            {
                var display = spec.Open(devices.OpenI2c);
                screen = new ResultScreen(display, TimeSpan.FromMilliseconds(250));
                Console.WriteLine($"display: {display.Description}");
            }
            var outputs = new ResultOutputs(gpio, screen);
            string? images = options.ImagesPath;
            if (images is null && options.DevicePath is null && !options.Libcamera && devices.OpenCamera is null && DefaultCameraProblem(options) is { } problem)
            {
                images = BundledFiles.Find(BundledFiles.SamplesFolder)
                    ?? throw new FileNotFoundException($"{problem}, and no sample images were found (looked in {BundledFiles.SearchedPlaces(BundledFiles.SamplesFolder)}); pass --images PATH");
                Console.WriteLine($"{problem}: classifying the sample images in {images}");
            }
            return images is not null
                ? ClassifyFiles(images, classifier, outputs, options, stop)
                : ClassifyCamera(options, devices.OpenCamera, classifier, outputs, stop);
        }
        finally
        {
            screen?.Dispose();
            gpio?.Dispose();
        }
    }

    /// <summary>
    /// Without a source option the program uses /dev/video0 when it is a usable camera; otherwise it
    /// says why not (missing, a codec node, no supported format...) and the caller runs on the samples.
    /// A busy camera counts as usable here; the capture loop then reports it.
    /// </summary>
    private static string? DefaultCameraProblem(ClassifierOptions options)
    {
        if (!File.Exists("/dev/video0")) return "no camera found (/dev/video0 does not exist)";
        try
        {
            using var probe = CameraDevice.Create(new CameraSettings(0, options.CaptureSize, ParseFormat(options.PixelFormat)));
            return null;
        }
        catch (CameraException e) when (e.Error != CameraError.Busy)
        {
            return $"no usable camera ({e.Message})";
        }
        catch (CameraException)
        {
            return null;
        }
    }

    private static int ClassifyFiles(string path, FrameClassifier classifier, ResultOutputs outputs, ClassifierOptions options, CancellationToken stop)
    {
        using var source = new FileFrameSource(path);
        var frame = new VideoFrame();
        long count = 0, skipped = 0;
        while (!stop.IsCancellationRequested && (options.Frames == 0 || count < options.Frames))
        {
            if (!outputs.WaitForTurn(stop)) break;
            FrameReadResult result;
            try
            {
                result = source.ReadFrame(frame, TimeSpan.Zero);
            }
            catch (CameraException e) when (e.Error == CameraError.BadFrame)
            {
                skipped++;
                Console.Error.WriteLine($"skipped: {e.Message}");
                continue;
            }
            if (result != FrameReadResult.Frame) break;
            var latency = classifier.Classify(frame);
            count++;
            Console.WriteLine($"{Path.GetFileName(frame.Source)}: {FormatTop(classifier.Top)}  [{latency.TotalMilliseconds:0.0} ms]");
            outputs.Show(classifier.Top[0], string.Create(CultureInfo.InvariantCulture, $"{latency.TotalMilliseconds:0.0} ms"), now: true);
        }
        Console.WriteLine($"classified {count} image(s)" + (skipped > 0 ? $", skipped {skipped} that could not be read" : ""));
        return count == 0 && skipped > 0 ? 1 : 0;
    }

    private static int ClassifyCamera(ClassifierOptions options, Func<IFrameSource>? camera, FrameClassifier classifier, ResultOutputs outputs, CancellationToken stop)
    {
        Func<IFrameSource> open = camera ?? (options.Libcamera
            ? () => new LibcameraFrameSource(options.CaptureSize.Width, options.CaptureSize.Height)
            : () => CameraDevice.Create(new CameraSettings(0, options.CaptureSize, ParseFormat(options.PixelFormat))
            {
                DevicePath = options.DevicePath ?? "/dev/video0",
            }));
        using var grabber = new LatestFrameGrabber(open, message => Console.Error.WriteLine(message)) { WaitForCamera = options.WaitForCamera };
        grabber.Start();
        var frame = new VideoFrame();
        var fps = new FpsMeter();
        long count = 0;
        try
        {
            while (!stop.IsCancellationRequested && (options.Frames == 0 || count < options.Frames))
            {
                bool pressed = outputs.WaitsForPresses;
                if (!outputs.WaitForTurn(stop)) break;
                long turnAt = Stopwatch.GetTimestamp();
                if (!TakeFrameAfter(grabber, ref frame, pressed ? turnAt : 0, stop)) break;
                TimeSpan latency;
                try
                {
                    latency = classifier.Classify(frame);
                }
                catch (CameraException e) when (e.Error == CameraError.BadFrame)
                {
                    Console.Error.WriteLine($"skipped frame {frame.Sequence}: {e.Message}");   // a corrupt MJPEG frame: the next one will do
                    continue;
                }
                count++;
                double rate = fps.Tick();
                Console.WriteLine($"frame {frame.Sequence}: {FormatTop(classifier.Top)}  [{latency.TotalMilliseconds:0.0} ms, {rate:0.0} fps]");
                outputs.Show(classifier.Top[0], string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} fps"), now: pressed);
            }
        }
        catch (CameraException e) when (e.IsTransient && !options.WaitForCamera && grabber.FramesCaptured == 0)
        {
            throw new CameraException(e.Error, $"{e.Message}; pass --wait-for-camera to keep trying", e);
        }
        Console.WriteLine($"stopped: classified {count} frame(s); camera delivered {grabber.FramesCaptured}, skipped {grabber.FramesDropped} stale, reconnected {grabber.Reconnects} time(s)");
        return 0;
    }

    /// <summary>
    /// Waits for a frame captured after <paramref name="notBefore"/> (a button press wants a frame taken
    /// after it, not one already waiting), checking the stop token every 250 ms. Returns false when
    /// stopped or the source ended; rethrows the camera's error when it cannot go on.
    /// </summary>
    private static bool TakeFrameAfter(LatestFrameGrabber grabber, ref VideoFrame frame, long notBefore, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!grabber.TryTakeLatest(ref frame, TimeSpan.FromMilliseconds(250)))
            {
                if (grabber.HasEnded)
                {
                    grabber.TryTakeLatest(ref frame, TimeSpan.Zero);   // rethrows a fatal camera error
                    return false;
                }
                continue;
            }
            if (notBefore == 0 || frame.TimestampTicks >= notBefore) return true;
        }
        return false;
    }

    private static CameraPixelFormat? ParseFormat(string? text)
    {
        if (text is null) return null;
        foreach (var format in CameraPixelFormats.Supported)
            if (CameraPixelFormats.Name(format).Equals(text, StringComparison.OrdinalIgnoreCase) || format.ToString().Equals(text, StringComparison.OrdinalIgnoreCase))
                return format;
        if (text.Equals("I420", StringComparison.OrdinalIgnoreCase)) return CameraPixelFormat.YUV420;
        throw new ArgumentException($"--format {text} is not one EdgeCnn supports ({string.Join(", ", CameraPixelFormats.Supported.Select(CameraPixelFormats.Name))})");
    }

    /// <summary>The top-k as the runtime prints a prediction ("286 Egyptian cat 0.7799"), joined by " | ".</summary>
    internal static string FormatTop(ReadOnlySpan<Prediction> top)
    {
        var text = new StringBuilder();
        for (int i = 0; i < top.Length; i++)
        {
            if (i > 0) text.Append(" | ");
            text.Append(top[i].ToString());
        }
        return text.ToString();
    }
}
