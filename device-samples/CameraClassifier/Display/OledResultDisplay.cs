using System.Device.I2c;
using System.Globalization;
using Iot.Device.Graphics;
using Iot.Device.Ssd13xx;
using Iot.Device.Ssd13xx.Commands;
using Iot.Device.Ssd13xx.Commands.Ssd1306Commands;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// An SSD1306 or SSD1309 OLED over I2C through Iot.Device.Bindings' Ssd1306 driver, text in the bindings'
/// 5x8 font: the top label, its score, and the rate. The driver sets the panel up as 128x32 and sends
/// four pages (32 rows); for a 128x64 panel the multiplex ratio and COM pin layout are switched to 64
/// rows and the text uses the top half. The SSD1309 takes the same command set over I2C (its charge
/// pump command is a no-op there).
/// </summary>
public sealed class OledResultDisplay : IResultDisplay
{
    private const int Width = 128;
    private readonly Ssd1306 _oled;
    private readonly MonochromeImage _image = new(Width, 32);
    private readonly BdfFont _font = new Font5x8();

    public OledResultDisplay(I2cDevice device, string chip, int height)
    {
        if (height is not (32 or 64)) throw new ArgumentException($"{chip} height {height}: use 32 or 64");
        BitmapImage.RegisterImageFactory(new MonochromeImageFactory());   // the driver clears the screen through it at start
        _oled = new Ssd1306(device, Width, 32);
        if (height == 64)
        {
            _oled.SendCommand(new SetMultiplexRatio(63));
            _oled.SendCommand(new SetComPinsHardwareConfiguration(alternativeComPinConfiguration: true));
            // The driver only ever writes pages 0-3; clear 4-7 once, or the lower half shows whatever
            // the display RAM held at power-on.
            _oled.SendCommand(new SetColumnAddress(0, Width - 1));
            _oled.SendCommand(new SetPageAddress(PageAddress.Page4, PageAddress.Page7));
            _oled.SendData(new byte[Width * 4]);
        }
        Description = $"{chip} OLED {Width}x{height} at I2C bus {device.ConnectionSettings.BusId} address 0x{device.ConnectionSettings.DeviceAddress:X2}";
    }

    public string Description { get; }

    /// <summary>Characters per line in the 5x8 font (6 pixels each with the gap).</summary>
    public int Columns => Width / (_font.Width + 1);

    public void Show(Prediction top, string rate)
    {
        _image.Clear();
        _image.DrawText(_font, Fit(top.Label), 0, 0);
        _image.DrawText(_font, Fit(string.Create(CultureInfo.InvariantCulture, $"score {top.Score:0.000}")), 0, 11);
        _image.DrawText(_font, Fit(rate), 0, 22);
        _oled.DrawBitmap(_image);
    }

    private string Fit(string text) => text.Length <= Columns ? text : text[..Columns];

    public void Dispose()
    {
        _oled.Dispose();
        _image.Dispose();
    }
}
