using System.Device.I2c;
using System.Globalization;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// The --display option: <c>KIND[:key=value,...]</c> with KIND ssd1306, ssd1309 or hd44780, and keys
/// bus (the N of /dev/i2c-N, default 1), address (default 0x3C for the OLEDs, 0x27 for a PCF8574
/// backpack), height (OLED: 32 or 64) and size (LCD: 16x2, 20x4).
/// </summary>
public sealed record DisplaySpec(string Kind, int Bus, int Address, int Width, int Height)
{
    public const string Syntax = "ssd1306|ssd1309[:bus=1,address=0x3C,height=32] or hd44780[:bus=1,address=0x27,size=16x2]";

    public bool IsOled => Kind is "ssd1306" or "ssd1309";

    public static DisplaySpec Parse(string text)
    {
        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var spec = kind switch
        {
            "ssd1306" or "ssd1309" => new DisplaySpec(kind, 1, 0x3C, 128, 32),
            "hd44780" or "lcd" => new DisplaySpec("hd44780", 1, 0x27, 16, 2),
            _ => throw new ArgumentException($"--display {text}: unknown display '{kind}' (use {Syntax})"),
        };
        if (colon < 0) return spec;
        foreach (var pair in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            string key = parts[0].ToLowerInvariant(), value = parts.Length == 2 ? parts[1] : "";
            spec = key switch
            {
                "bus" => spec with { Bus = Number(text, key, value, 0, 255) },
                "address" or "addr" => spec with { Address = Number(text, key, value, 0x03, 0x77) },
                "height" when spec.IsOled => spec with { Height = Number(text, key, value, 32, 64) is var h && h is 32 or 64 ? h : throw Bad(text, key, value, "32 or 64") },
                "size" when !spec.IsOled => Size(spec, text, value),
                _ => throw new ArgumentException($"--display {text}: unknown setting '{key}' for {spec.Kind} (use {Syntax})"),
            };
        }
        return spec;
    }

    public string DevicePath => $"/dev/i2c-{Bus}";

    /// <summary>Opens the bus (checking first that it exists, because the driver's own error does not say what to do) and starts the display.</summary>
    public IResultDisplay Open(Func<I2cConnectionSettings, I2cDevice>? openDevice = null)
    {
        var settings = new I2cConnectionSettings(Bus, Address);
        if (openDevice is null)
        {
            if (!File.Exists(DevicePath))
                throw new IOException($"display: {DevicePath} does not exist: enable I2C (sudo raspi-config, Interface Options, I2C) or pass bus=N (ls /dev/i2c-*)");
            openDevice = I2cDevice.Create;
        }
        I2cDevice? device = null;
        try
        {
            device = openDevice(settings);
            return IsOled ? new OledResultDisplay(device, Kind, Height) : new LcdResultDisplay(device, Width, Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            device?.Dispose();
            throw new IOException($"display: cannot reach {Kind} at {DevicePath} address 0x{Address:X2} ({e.Message}); check the wiring and the address (i2cdetect -y {Bus}) and that the user is in the 'i2c' group", e);
        }
    }

    private static DisplaySpec Size(DisplaySpec spec, string text, string value)
    {
        var parts = value.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h) && w is >= 8 and <= 40 && h is >= 1 and <= 4)
            return spec with { Width = w, Height = h };
        throw Bad(text, "size", value, "COLUMNSxROWS such as 16x2 or 20x4");
    }

    private static int Number(string text, string key, string value, int min, int max)
    {
        bool hex = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (int.TryParse(hex ? value[2..] : value, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max)
            return n;
        throw Bad(text, key, value, $"a number from {min} to {max} (0x.. for hex)");
    }

    private static ArgumentException Bad(string text, string key, string value, string wanted) =>
        new($"--display {text}: {key}={value} is not valid; use {wanted}");
}
