using EdgeCnn.CameraClassifier.Display;
using System.Globalization;

namespace EdgeCnn.CameraClassifier;

/// <summary>Command-line options of CameraClassifier.</summary>
public sealed class ClassifierOptions
{
    public const string Usage = """
        usage: CameraClassifier [options]
          --model PATH        .ecnn model (default: models/mobilenet_v2_1.0_224_quant.ecnn next to the program or above it)
          --device /dev/videoN  V4L2 camera (default /dev/video0 when it exists)
          --libcamera         Raspberry Pi CSI camera through rpicam-vid
          --wait-for-camera   keep retrying a camera that is missing or busy at start (default: exit 2 with the reason)
          --images PATH       classify an image file or a folder of images instead of a camera
          --size WxH          capture size (default 640x480)
          --format FOURCC     camera pixel format: YUYV, NV12, YU12, RGB3, MJPG (default: first supported)
          --top K             classes to print per frame (default 3)
          --frames N          stop after N classified frames (default: all images / until Ctrl+C)
          --threads N         inference threads (default: min(4, cores))
          --led LINE          GPIO line driven high while the top class is --when LABEL
          --when LABEL        the class that lights the LED
          --button LINE       a button on this GPIO line (to ground, pull-up): press classifies one frame,
                              double press switches to every frame and back, holding it 2 s stops the program
          --chip PATH         GPIO chip (default: the header chip found by its label, pinctrl-*, else /dev/gpiochip0)
          --display SPEC      show the top class, score and rate on ssd1306[:bus=1,address=0x3C,height=32],
                              ssd1309[...] (OLED) or hd44780[:bus=1,address=0x27,size=16x2] (LCD, PCF8574 backpack)
          --help              this text
        """;

    public string? ModelPath { get; private set; }
    public string? DevicePath { get; private set; }
    public bool Libcamera { get; private set; }
    public string? ImagesPath { get; private set; }
    public (int Width, int Height) CaptureSize { get; private set; } = (640, 480);
    public string? PixelFormat { get; private set; }
    public int TopK { get; private set; } = 3;
    public long Frames { get; private set; }
    public int Threads { get; private set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);
    public int? LedLine { get; private set; }
    public string? LedLabel { get; private set; }
    public int? ButtonLine { get; private set; }
    /// <summary>The GPIO chip given with --chip, or null to find the header chip by its label.</summary>
    public string? Chip { get; private set; }
    public bool WaitForCamera { get; private set; }
    public DisplaySpec? Display { get; private set; }
    public bool Help { get; private set; }

    /// <summary>Parses the arguments; a bad one raises <see cref="ArgumentException"/> naming it.</summary>
    public static ClassifierOptions Parse(IReadOnlyList<string> args)
    {
        var o = new ClassifierOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Number(int min)
            {
                string text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min
                    ? n : throw new ArgumentException($"{name} needs a whole number >= {min}, not '{text}'");
            }
            switch (name)
            {
                case "--model": o.ModelPath = Value(); break;
                case "--device": o.DevicePath = Value(); break;
                case "--libcamera": o.Libcamera = true; break;
                case "--images": o.ImagesPath = Value(); break;
                case "--size": o.CaptureSize = ParseSize(name, Value()); break;
                case "--format": o.PixelFormat = Value(); break;
                case "--top": o.TopK = Number(1); break;
                case "--frames": o.Frames = Number(1); break;
                case "--threads": o.Threads = Number(1); break;
                case "--led": o.LedLine = Number(0); break;
                case "--when": o.LedLabel = Value(); break;
                case "--button": o.ButtonLine = Number(0); break;
                case "--chip": o.Chip = Value(); break;
                case "--wait-for-camera": o.WaitForCamera = true; break;
                case "--display": o.Display = DisplaySpec.Parse(Value()); break;
                case "--help" or "-h": o.Help = true; break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }
        if (o.LedLine is not null && o.LedLabel is null) throw new ArgumentException("--led needs --when LABEL (the class that lights it)");
        if (o.LedLabel is not null && o.LedLine is null) throw new ArgumentException("--when needs --led LINE");
        if (o.LedLine is { } led && o.ButtonLine == led) throw new ArgumentException($"--led and --button both use GPIO line {led}");
        int sources = (o.DevicePath is null ? 0 : 1) + (o.Libcamera ? 1 : 0) + (o.ImagesPath is null ? 0 : 1);
        if (sources > 1) throw new ArgumentException("choose one source: --device, --libcamera or --images");
        if (o.WaitForCamera && o.ImagesPath is not null) throw new ArgumentException("--wait-for-camera applies to a camera, not to --images");
        return o;
    }

    private static (int, int) ParseSize(string name, string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w > 0 && h > 0 && w <= 8192 && h <= 8192)
            return (w, h);
        throw new ArgumentException($"{name} needs WIDTHxHEIGHT, e.g. 640x480, not '{text}'");
    }
}
