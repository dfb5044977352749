using EdgeCnn.CameraClassifier.Display;
using Iot.Device.Graphics;

namespace EdgeCnn.Device.Tests;

/// <summary>The displays, driven by Iot.Device.Bindings' own drivers into a recording I2C device; the traffic is decoded per the chips' datasheets.</summary>
public sealed class DisplayTests
{
    private static readonly Prediction Cat = new(285, "Egyptian cat", 0.7799f);

    /// <summary>Whether the glyphs of <paramref name="text"/> in the bindings' 5x8 font are lit at (x, y) in the decoded OLED memory.</summary>
    private static void AssertTextAt(Ssd1306Memory memory, string text, int x, int y)
    {
        var font = new Font5x8();
        for (int i = 0; i < text.Length; i++)
        {
            font.GetCharData(text[i], out ReadOnlySpan<ushort> rows);
            for (int row = 0; row < font.Height; row++)
                for (int column = 0; column < font.Width; column++)
                {
                    bool expected = (rows[row] & (0x80 >> column)) != 0;
                    int px = x + i * (font.Width + 1) + column;
                    if (px >= 128) return;
                    Assert.True(expected == memory.Lit(px, y + row), $"'{text[i]}' of \"{text}\": pixel ({px}, {y + row}) should be {(expected ? "lit" : "dark")}");
                }
        }
    }

    [Theory]
    [InlineData("ssd1306")]
    [InlineData("ssd1309:bus=3,address=0x3D")]
    public void Oled_shows_label_score_and_rate(string spec)
    {
        var parsed = DisplaySpec.Parse(spec);
        RecordingI2cDevice? device = null;
        using (var display = parsed.Open(settings => device = new RecordingI2cDevice(settings.BusId, settings.DeviceAddress)))
        {
            Assert.Equal(parsed.Bus, device!.ConnectionSettings.BusId);
            Assert.Equal(parsed.Address, device.ConnectionSettings.DeviceAddress);
            display.Show(Cat, "12.5 fps");
            var memory = Ssd1306Memory.From(device.Writes);
            AssertTextAt(memory, "Egyptian cat", 0, 0);
            AssertTextAt(memory, "score 0.780", 0, 11);
            AssertTextAt(memory, "12.5 fps", 0, 22);

            display.Show(new Prediction(1, "dog", 0.5f), "9.0 fps");   // the next frame replaces the text
            memory = Ssd1306Memory.From(device.Writes);
            AssertTextAt(memory, "dog         ", 0, 0);
        }
        Assert.True(device.Disposed);
    }

    [Fact]
    public void A_128x64_oled_gets_its_lower_half_cleared_and_the_text_on_top()
    {
        RecordingI2cDevice? device = null;
        using var display = DisplaySpec.Parse("ssd1306:height=64").Open(settings => device = new RecordingI2cDevice(settings.BusId, settings.DeviceAddress));
        display.Show(Cat, "12.5 fps");
        var memory = Ssd1306Memory.From(device!.Writes, powerOn: 0xFF);
        AssertTextAt(memory, "Egyptian cat", 0, 0);
        for (int y = 32; y < 64; y++)
            for (int x = 0; x < 128; x++)
                Assert.False(memory.Lit(x, y), $"pixel ({x}, {y}) of the unused lower half is lit");
        Assert.Contains(device.Writes, w => w is [0x00, 0xA8, 63]);          // multiplex ratio: 64 rows
        Assert.Contains(device.Writes, w => w is [0x00, 0xDA, 0x12]);        // COM pins: alternative layout
    }

    [Fact]
    public void Character_lcd_behind_a_pcf8574_shows_label_then_score_and_rate()
    {
        RecordingI2cDevice? device = null;
        using (var display = DisplaySpec.Parse("hd44780").Open(settings => device = new RecordingI2cDevice(settings.BusId, settings.DeviceAddress)))
        {
            Assert.Equal(0x27, device!.ConnectionSettings.DeviceAddress);
            display.Show(Cat, "12.5 fps");
            var memory = Hd44780Memory.From(device.Writes);
            Assert.Equal("Egyptian cat    ", memory.Row(0, 16));
            Assert.Equal("0.780 12.5 fps  ", memory.Row(1, 16));

            display.Show(new Prediction(7, "a very long class name indeed", 0.25f), "3.0 fps");
            memory = Hd44780Memory.From(device.Writes);
            Assert.Equal("a very long clas", memory.Row(0, 16));
            Assert.Equal("0.250 3.0 fps   ", memory.Row(1, 16));
        }
        Assert.True(device.Disposed);
    }

    [Fact]
    public void Four_line_lcd_gives_score_and_rate_a_line_each()
    {
        RecordingI2cDevice? device = null;
        using var display = DisplaySpec.Parse("hd44780:size=20x4,address=0x3F").Open(settings => device = new RecordingI2cDevice(settings.BusId, settings.DeviceAddress));
        display.Show(Cat, "12.5 fps");
        var memory = Hd44780Memory.From(device!.Writes);
        Assert.Equal("Egyptian cat".PadRight(20), memory.Row(0, 20));
        Assert.Equal("score 0.780".PadRight(20), memory.Row(1, 20));
        Assert.Equal("12.5 fps".PadRight(20), memory.Row(2, 20));
    }

    [Theory]
    [InlineData("ssd1306", "ssd1306", 1, 0x3C, 32)]
    [InlineData("SSD1306:bus=0,address=0x3d,height=64", "ssd1306", 0, 0x3D, 64)]
    [InlineData("hd44780:address=39,size=20x4", "hd44780", 1, 39, 4)]
    public void Display_option_parses(string text, string kind, int bus, int address, int height)
    {
        var spec = DisplaySpec.Parse(text);
        Assert.Equal((kind, bus, address, height), (spec.Kind, spec.Bus, spec.Address, spec.Height));
    }

    [Theory]
    [InlineData("st7735", "unknown display 'st7735'")]
    [InlineData("ssd1306:address=0x99", "address=0x99 is not valid")]
    [InlineData("ssd1306:height=48", "height=48 is not valid")]
    [InlineData("ssd1306:size=16x2", "unknown setting 'size'")]
    [InlineData("hd44780:size=16", "size=16 is not valid")]
    public void Bad_display_options_name_the_problem(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => DisplaySpec.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_missing_i2c_bus_says_how_to_enable_it()
    {
        var e = Assert.Throws<IOException>(() => DisplaySpec.Parse("ssd1306:bus=97").Open());
        Assert.Contains("/dev/i2c-97 does not exist", e.Message);
        Assert.Contains("raspi-config", e.Message);
    }
}
