using Iot.Device.Graphics;

namespace EdgeCnn.CameraClassifier.Display;

/// <summary>
/// The image factory the graphic display drivers ask for their back buffer (the SSD13xx driver clears
/// the screen through one while it starts up). It makes <see cref="MonochromeImage"/>s; decoding image
/// files is not something this program does.
/// </summary>
public sealed class MonochromeImageFactory : IImageFactory
{
    public BitmapImage CreateBitmap(int width, int height, PixelFormat pixelFormat) =>
        pixelFormat is PixelFormat.Format32bppXrgb or PixelFormat.Format32bppArgb
            ? new MonochromeImage(width, height)
            : throw new NotSupportedException($"MonochromeImage is 32-bit XRGB; {pixelFormat} was asked for");

    public BitmapImage CreateFromStream(Stream file) =>
        throw new NotSupportedException("this program draws text only and does not decode image files for the display");
}
