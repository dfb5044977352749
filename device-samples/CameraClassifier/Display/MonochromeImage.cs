using System.Drawing;
using Iot.Device.Graphics;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// An in-memory 32-bit XRGB image for the SSD13xx driver's <c>DrawBitmap</c>, so the OLED needs no image
/// library: BitmapImage.CreateBitmap would need a registered factory (the SkiaSharp adapter, a native
/// library). Pixels are either black or white; text is drawn with <see cref="DrawText"/>.
/// </summary>
public sealed class MonochromeImage(int width, int height) : BitmapImage(width, height, width * 4, PixelFormat.Format32bppXrgb)
{
    private readonly byte[] _pixels = new byte[width * height * 4];

    public override void SetPixel(int x, int y, Color color)
    {
        int at = Offset(x, y);
        _pixels[at] = color.B;
        _pixels[at + 1] = color.G;
        _pixels[at + 2] = color.R;
        _pixels[at + 3] = 0xFF;
    }

    public override Color GetPixel(int x, int y)
    {
        int at = Offset(x, y);
        return Color.FromArgb(_pixels[at + 2], _pixels[at + 1], _pixels[at]);
    }

    public bool IsLit(int x, int y) => _pixels[Offset(x, y)] != 0 || _pixels[Offset(x, y) + 1] != 0 || _pixels[Offset(x, y) + 2] != 0;

    public override Span<byte> AsByteSpan() => _pixels;

    /// <summary>Draws <paramref name="text"/> in white with its top-left corner at (x, y); what falls outside is clipped.</summary>
    public void DrawText(BdfFont font, string text, int x, int y)
    {
        int rowBits = (font.Width + 7) / 8 * 8;   // glyph rows are left-aligned in whole bytes
        foreach (char c in text)
        {
            font.GetCharData(c, out ReadOnlySpan<ushort> rows);
            for (int row = 0; row < font.Height; row++)
                for (int column = 0; column < font.Width; column++)
                {
                    if ((rows[row] & (1 << (rowBits - 1 - column))) == 0) continue;
                    int px = x + column, py = y + row;
                    if (px >= 0 && px < Width && py >= 0 && py < Height) SetPixel(px, py, Color.White);
                }
            x += font.Width + 1;
        }
    }

    public override void SaveToStream(Stream stream, ImageFileType format) =>
        throw new NotSupportedException("MonochromeImage holds display pixels only and does not encode image files");

    public override IGraphics GetDrawingApi() =>
        throw new NotSupportedException("MonochromeImage draws text itself (DrawText); IGraphics drawing needs an image factory such as the SkiaSharp adapter");

    protected override void Dispose(bool disposing) { }

    private int Offset(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} image");
        return y * Stride + x * 4;
    }
}
