using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using EdgeCnn.Device.Gpio;
using EdgeCnn.Device.Video;
using EdgeCnn.Format;
using EdgeCnn.Imaging;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// Continuous classification: camera (V4L2 or libcamera) through the latest-frame grabber, or image
/// files one by one; prints the top-k classes with per-frame latency and FPS; optional LED and button.
/// Every expected failure (no model, no camera, unsupported format, GPIO busy) ends with a message
/// and exit code 1, never a stack trace. Ctrl+C or SIGTERM stops cleanly: stream off, lines released.
/// </summary>
public static class ClassifierApp
{
    public static int Run(string[] args)
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
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            return Execute(options, stop.Token);
        }
        catch (Exception e) when (e is CameraException or GpioException or EcnnFormatException or ImageFormatException or FileNotFoundException or ArgumentException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Execute(ClassifierOptions options, CancellationToken stop)
    {
        string modelPath = options.ModelPath ?? BundledFiles.Find(BundledFiles.DefaultModel)
            ?? throw new FileNotFoundException($"no model given and the bundled {BundledFiles.DefaultModel} was not found (looked in {BundledFiles.SearchedPlaces(BundledFiles.DefaultModel)}); pass --model PATH");
        using var classifier = new FrameClassifier(modelPath, options.TopK, options.Threads);
        Console.WriteLine($"model: {classifier.ModelName} (input {classifier.InputDescription}, {options.Threads} threads)");

        GpioIndicator? gpio = null;
        if (options.LedLine is not null || options.ButtonLine is not null)
        {
            gpio = new GpioIndicator(options.Chip, options.LedLine, options.LedLabel, options.ButtonLine);
            Console.WriteLine($"gpio: {gpio.Description}");
        }
        using (gpio)
        {
            string? images = options.ImagesPath;
            if (images is null && options.DevicePath is null && !options.Libcamera && DefaultCameraProblem(options) is { } problem)
            {
                images = BundledFiles.Find(BundledFiles.SamplesFolder)
                    ?? throw new FileNotFoundException($"{problem}, and no sample images were found (looked in {BundledFiles.SearchedPlaces(BundledFiles.SamplesFolder)}); pass --images PATH");
                Console.WriteLine($"{problem}: classifying the sample images in {images}");
            }
            return images is not null
                ? ClassifyFiles(images, classifier, gpio, options, stop)
                : ClassifyCamera(options, classifier, gpio, stop);
        }
    }

    /// <summary>
    /// Without a source option the program uses /dev/video0 when it is a usable camera; otherwise it
    /// says why not (missing, a codec node, no supported format...) and the caller runs on the samples.
    /// A busy camera counts as usable: the capture loop waits for it.
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

    private static int ClassifyFiles(string path, FrameClassifier classifier, GpioIndicator? gpio, ClassifierOptions options, CancellationToken stop)
    {
        using var source = new FileFrameSource(path);
        var frame = new VideoFrame();
        long count = 0;
        while (!stop.IsCancellationRequested && (options.Frames == 0 || count < options.Frames))
        {
            if (gpio is { ButtonLine: true } && !WaitForPress(gpio, stop)) break;
            if (source.ReadFrame(frame, TimeSpan.Zero) != FrameReadResult.Frame) break;
            var latency = classifier.Classify(frame);
            count++;
            Console.WriteLine($"{Path.GetFileName(frame.Source)}: {FormatTop(classifier.Top)}  [{latency.TotalMilliseconds:0.0} ms]");
            gpio?.Show(classifier.Top[0].Label);
        }
        Console.WriteLine($"classified {count} image(s)");
        return 0;
    }

    private static int ClassifyCamera(ClassifierOptions options, FrameClassifier classifier, GpioIndicator? gpio, CancellationToken stop)
    {
        Func<IFrameSource> open = options.Libcamera
            ? () => new LibcameraFrameSource(options.CaptureSize.Width, options.CaptureSize.Height)
            : () => CameraDevice.Create(new CameraSettings(0, options.CaptureSize, ParseFormat(options.PixelFormat))
            {
                DevicePath = options.DevicePath ?? "/dev/video0",
            });
        using var grabber = new LatestFrameGrabber(open, message => Console.Error.WriteLine(message));
        grabber.Start();
        var frame = new VideoFrame();
        var fps = new FpsMeter();
        long count = 0;
        while (!stop.IsCancellationRequested && (options.Frames == 0 || count < options.Frames))
        {
            long pressedAt = 0;
            if (gpio is { ButtonLine: true })
            {
                if (!WaitForPress(gpio, stop)) break;
                pressedAt = Stopwatch.GetTimestamp();
            }
            if (!grabber.TryTakeLatest(ref frame, TimeSpan.FromMilliseconds(250)))
            {
                if (grabber.HasEnded) { grabber.TryTakeLatest(ref frame, TimeSpan.Zero); break; }   // rethrows a fatal camera error
                if (pressedAt != 0) gpio!.Presses.Release();   // keep the press until a frame arrives
                continue;
            }
            // After a button press, only a frame captured after the press will do.
            if (pressedAt != 0 && frame.TimestampTicks < pressedAt)
            {
                gpio!.Presses.Release();
                continue;
            }
            var latency = classifier.Classify(frame);
            count++;
            double rate = fps.Tick();
            Console.WriteLine($"frame {frame.Sequence}: {FormatTop(classifier.Top)}  [{latency.TotalMilliseconds:0.0} ms, {rate:0.0} fps]");
            gpio?.Show(classifier.Top[0].Label);
        }
        Console.WriteLine($"stopped: classified {count} frame(s); camera delivered {grabber.FramesCaptured}, skipped {grabber.FramesDropped} stale, reconnected {grabber.Reconnects} time(s)");
        return 0;
    }

    private static bool WaitForPress(GpioIndicator gpio, CancellationToken stop)
    {
        try
        {
            gpio.Presses.Wait(stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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

    internal static string FormatTop(ReadOnlySpan<Prediction> top)
    {
        var text = new StringBuilder();
        for (int i = 0; i < top.Length; i++)
        {
            if (i > 0) text.Append(" | ");
            text.Append(top[i].Label).Append(' ').Append(top[i].Score.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
