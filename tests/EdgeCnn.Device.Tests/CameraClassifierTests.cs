using EdgeCnn.CameraClassifier;

namespace EdgeCnn.Device.Tests;

/// <summary>Runs the CameraClassifier program in-process on files (Console is captured, so the class runs its tests one at a time).</summary>
[Collection("console")]
public sealed class CameraClassifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgecnn-classifier-").FullName;
    private readonly string _model;
    private readonly string _images;

    public CameraClassifierTests()
    {
        _model = Path.Combine(_dir, "colors.ecnn");
        File.WriteAllBytes(_model, ColorModel.Bytes());
        _images = Path.Combine(_dir, "images");
        Directory.CreateDirectory(_images);
        ColorModel.WritePpm(Path.Combine(_images, "1-red.ppm"), 40, 30, 230, 20, 10);
        ColorModel.WritePpm(Path.Combine(_images, "2-blue.ppm"), 17, 9, 5, 30, 240);
        ColorModel.WritePpm(Path.Combine(_images, "3-night.ppm"), 8, 8, 3, 3, 3);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => RunOn(BoardDevices.Kernel, args);

    private static (int Code, string Out, string Err) RunOn(BoardDevices devices, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int code = ClassifierApp.Run(args, devices);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public void Classifies_every_image_with_top_k_and_latency()
    {
        var (code, output, error) = Run("--model", _model, "--images", _images, "--top", "2", "--threads", "1");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("model: colors (input 8x8x3"));
        // Each prediction as the runtime prints it (index, label, score), the line shape publish-aot.sh parses.
        Assert.Matches(@"^1-red\.ppm: 0 red \d\.\d{4} \| \d \w+ \d\.\d{4}  \[\d+\.\d ms\]$", lines.Single(l => l.StartsWith("1-red")));
        Assert.StartsWith("2-blue.ppm: 2 blue ", lines.Single(l => l.StartsWith("2-blue")));
        Assert.StartsWith("3-night.ppm: 3 dark ", lines.Single(l => l.StartsWith("3-night")));
        Assert.Contains("classified 3 image(s)", output);
    }

    [Fact]
    public void Frames_limits_the_count()
    {
        var (code, output, _) = Run("--model", _model, "--images", _images, "--frames", "1");
        Assert.Equal(0, code);
        Assert.Contains("classified 1 image(s)", output);
    }

    [Fact]
    public void Bad_arguments_explain_themselves()
    {
        var (code, _, error) = Run("--top", "zero");
        Assert.Equal(2, code);
        Assert.Contains("--top needs a whole number", error);
        (code, _, error) = Run("--led", "17");
        Assert.Equal(2, code);
        Assert.Contains("--led needs --when", error);
        (code, _, error) = Run("--images", "a", "--libcamera");
        Assert.Equal(2, code);
        Assert.Contains("choose one source", error);
    }

    [Fact]
    public void Missing_model_or_gpio_chip_is_a_clear_error_not_a_crash()
    {
        var (code, _, error) = Run("--model", Path.Combine(_dir, "none.ecnn"), "--images", _images);
        Assert.Equal(1, code);
        Assert.Contains("none.ecnn", error);

        (code, _, error) = Run("--model", _model, "--images", _images, "--led", "17", "--when", "red", "--chip", "/dev/gpiochip93");
        Assert.Equal(1, code);
        Assert.Contains("GPIO chip /dev/gpiochip93 does not exist", error);

        File.WriteAllBytes(Path.Combine(_dir, "garbage.ecnn"), [1, 2, 3, 4, 5]);
        (code, _, error) = Run("--model", Path.Combine(_dir, "garbage.ecnn"), "--images", _images);
        Assert.Equal(1, code);
        Assert.Contains("garbage.ecnn", error);
    }

    [Fact]
    public void A_camera_missing_or_unusable_at_start_is_one_error_and_exit_code_2()
    {
        var started = DateTime.UtcNow;
        var (code, output, error) = Run("--model", _model, "--device", "/dev/nonexistent");
        Assert.Equal(2, code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the program waited for a camera nobody asked it to wait for");
        Assert.Contains("no camera at /dev/nonexistent", error);
        Assert.Contains("--wait-for-camera", error);
        Assert.DoesNotContain("retrying", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:"));
        Assert.DoesNotContain("stopped:", output);

        (code, _, error) = Run("--model", _model, "--device", "/dev/null", "--frames", "1");
        Assert.Equal(2, code);
        Assert.Contains("/dev/null", error);
    }

    [Fact]
    public void A_corrupt_image_is_reported_and_skipped()
    {
        File.WriteAllBytes(Path.Combine(_images, "2-broken.jpg"), [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]);
        var (code, output, error) = Run("--model", _model, "--images", _images);
        Assert.Equal(0, code);
        Assert.Contains("2-broken.jpg", error);
        Assert.StartsWith("skipped: ", error.Trim());
        Assert.Contains("classified 3 image(s), skipped 1 that could not be read", output);
        Assert.Contains("3-night.ppm: 3 dark", output);   // the images after the broken one still ran

        foreach (var good in Directory.GetFiles(_images, "*.ppm")) File.Delete(good);
        (code, output, _) = Run("--model", _model, "--images", _images);
        Assert.Equal(1, code);   // nothing could be classified at all
        Assert.Contains("classified 0 image(s), skipped 1", output);
    }

    [Fact]
    public void Led_follows_the_top_class_through_system_device_gpio()
    {
        var driver = new InMemoryGpioDriver();
        var devices = new BoardDevices(chip => { Assert.Equal("/dev/gpiochip4", chip); return driver; });
        var (code, output, error) = RunOn(devices, "--model", _model, "--images", _images, "--led", "17", "--when", "red", "--chip", "/dev/gpiochip4");
        Assert.True(code == 0, error);
        Assert.Contains("gpio: InMemoryGpioDriver, LED on line 17 while 'red'", output);
        // 1-red lights it, 2-blue turns it off; 3-night keeps it off; the end leaves it off.
        Assert.Equal([System.Device.Gpio.PinValue.High, System.Device.Gpio.PinValue.Low], driver.Writes[17]);
        Assert.True(driver.Disposed);
    }

    [Fact]
    public void Display_shows_each_result()
    {
        RecordingI2cDevice? device = null;
        var devices = BoardDevices.Kernel with { OpenI2c = settings => device = new RecordingI2cDevice(settings.BusId, settings.DeviceAddress) };
        var (code, output, error) = RunOn(devices, "--model", _model, "--images", _images, "--display", "hd44780:address=0x26");
        Assert.True(code == 0, error);
        Assert.Contains("display: HD44780 LCD 16x2 via PCF8574 at I2C bus 1 address 0x26", output);
        var lcd = Hd44780Memory.From(device!.Writes);
        Assert.StartsWith("dark", lcd.Row(0, 16));     // the last image's class
        Assert.Matches(@"^\d+\.\d{3} \d+\.\d ms", lcd.Row(1, 16));
        Assert.True(device.Disposed);
    }

    [Fact]
    public void Button_press_classifies_one_image_and_holding_it_stops_the_program()
    {
        var driver = new InMemoryGpioDriver();
        var devices = new BoardDevices(_ => driver);
        var stdout = new StringWriter();
        var output = TextWriter.Synchronized(stdout);
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(TextWriter.Null);
        try
        {
            int code = -1;
            var program = new Thread(() => code = ClassifierApp.Run(["--model", _model, "--images", _images, "--button", "27"], devices));
            program.Start();
            WaitUntil(() => driver.IsOpen(27), "the button line to open");
            Thread.Sleep(100);
            Assert.DoesNotContain("1-red.ppm", stdout.ToString());   // nothing happens before a press
            driver.SetInput(27, System.Device.Gpio.PinValue.Low);     // press (the button pulls the line to ground)
            driver.SetInput(27, System.Device.Gpio.PinValue.High);    // release: one press
            WaitUntil(() => stdout.ToString().Contains("1-red.ppm: 0 red"), "the first image after the press");
            Thread.Sleep(200);
            Assert.DoesNotContain("2-blue.ppm", stdout.ToString());   // one press, one image
            driver.SetInput(27, System.Device.Gpio.PinValue.Low);     // hold...
            Assert.True(program.Join(TimeSpan.FromSeconds(15)), "holding the button did not stop the program");
            Assert.Equal(0, code);
            Assert.Contains("classified 1 image(s)", stdout.ToString());
            Assert.False(driver.IsOpen(27));
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>A recorded camera: a few corrupt MJPEG frames first, then red RGB frames, one every 20 ms.</summary>
    private sealed class RecordedCamera(int corruptFrames) : EdgeCnn.Device.Video.IFrameSource
    {
        private long _sequence;
        public string Description => "recorded frames";

        public EdgeCnn.Device.Video.FrameReadResult ReadFrame(EdgeCnn.Device.Video.VideoFrame frame, TimeSpan timeout)
        {
            Thread.Sleep(20);
            if (_sequence < corruptFrames)
                new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 7, 1, 2, 3 }.CopyTo(frame.Prepare(EdgeCnn.Device.Video.CameraPixelFormat.MJPEG, 8, 8, 0, 9));
            else
            {
                var rgb = frame.Prepare(EdgeCnn.Device.Video.CameraPixelFormat.RGB24, 8, 8, 24, 192);
                for (int i = 0; i < rgb.Length; i += 3) (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)230, (byte)20, (byte)10);
            }
            frame.Sequence = _sequence++;
            frame.TimestampTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            frame.Source = Description;
            return EdgeCnn.Device.Video.FrameReadResult.Frame;
        }

        public void Dispose() { }
    }

    [Fact]
    public void A_corrupt_camera_frame_is_skipped_and_the_loop_goes_on()
    {
        var devices = BoardDevices.Kernel with { OpenCamera = () => new RecordedCamera(corruptFrames: 3) };
        var (code, output, error) = RunOn(devices, "--model", _model, "--frames", "2");
        Assert.True(code == 0, error);
        Assert.Contains("camera: streaming from recorded frames", error);
        Assert.Matches(@"skipped frame [012]: .*JPEG", error);
        Assert.Equal(2, output.Split('\n').Count(l => l.StartsWith("frame ") && l.Contains(": 0 red ")));
        Assert.Contains("stopped: classified 2 frame(s)", output);
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(10);
        }
    }

    [Theory]
    [InlineData("tabby, tabby cat", "tabby cat", true)]
    [InlineData("Egyptian cat", "egyptian CAT", true)]
    [InlineData("tiger cat", "cat", false)]
    public void Led_label_matching(string label, string wanted, bool matches) => Assert.Equal(matches, GpioIndicator.LabelMatches(label, wanted));
}
