using System.Device.I2c;
using System.Globalization;
using System.Drawing;
using Iot.Device.CharacterLcd;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// An HD44780 character LCD (16x2 or 20x4) behind a PCF8574 I2C backpack, through Iot.Device.Bindings'
/// Hd44780 driver and its PCF8574 interface (LcdInterface.CreateI2c, 4-bit mode). Line 1: the top label;
/// line 2: score and rate (on a 4-line LCD they get a line each).
/// </summary>
public sealed class LcdResultDisplay : IResultDisplay
{
    private readonly Hd44780 _lcd;
    private readonly I2cDevice _device;   // the PCF8574 interface does not dispose it
    private readonly int _columns, _rows;
    private readonly string[] _shown;

    public LcdResultDisplay(I2cDevice device, int columns, int rows)
    {
        if (columns is < 8 or > 40 || rows is < 1 or > 4) throw new ArgumentException($"hd44780 size {columns}x{rows}: columns 8..40, rows 1..4");
        _columns = columns;
        _rows = rows;
        _shown = new string[rows];
        _device = device;
        _lcd = new Hd44780(new Size(columns, rows), LcdInterface.CreateI2c(device, uses8Bit: false)) { BacklightOn = true };
        _lcd.Clear();
        Description = $"HD44780 LCD {columns}x{rows} via PCF8574 at I2C bus {device.ConnectionSettings.BusId} address 0x{device.ConnectionSettings.DeviceAddress:X2}";
    }

    public string Description { get; }

    public void Show(Prediction top, string rate)
    {
        string score = top.Score.ToString("0.000", CultureInfo.InvariantCulture);
        if (_rows >= 3) Lines(top.Label, $"score {score}", rate);
        else if (_rows == 2) Lines(top.Label, $"{score} {rate}");
        else Lines($"{score} {top.Label}");
    }

    /// <summary>Rewrites only the lines that changed, padded to the width so old text is erased.</summary>
    private void Lines(params string[] lines)
    {
        for (int row = 0; row < _rows; row++)
        {
            string text = row < lines.Length ? lines[row] : "";
            text = text.Length > _columns ? text[.._columns] : text.PadRight(_columns);
            if (text == _shown[row]) continue;
            _lcd.SetCursorPosition(0, row);
            _lcd.Write(text);
            _shown[row] = text;
        }
    }

    public void Dispose()
    {
        _lcd.Dispose();
        _device.Dispose();
    }
}
