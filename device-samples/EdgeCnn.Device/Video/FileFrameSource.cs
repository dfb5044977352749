using System.Text.RegularExpressions;
using EdgeCnn.Imaging;

namespace EdgeCnn.Device.Video;

/// <summary>
/// Frames from files, for machines without a camera: one image (JPEG, PNG, BMP, PNM, decoded by the
/// runtime's <see cref="ImageDecoder"/>), a folder of images
/// (sorted by name), or a raw YUV file of back-to-back I420 frames (.yuv; the size comes from
/// <see cref="RawFrameSize"/> or a "640x480" in the file name). A file that cannot be decoded is
/// reported with <see cref="CameraError.BadFrame"/> after the source has moved past it, so the caller
/// may report it and read on.
/// </summary>
public sealed partial class FileFrameSource : IFrameSource
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm", ".pnm", ".yuv"];
    private readonly List<string> _files;
    private readonly bool _loop;
    private readonly (int Width, int Height)? _rawSize;
    private int _next;
    private long _sequence;
    private FileStream? _raw;
    private string? _rawPath;

    public FileFrameSource(string path, bool loop = false, (int Width, int Height)? rawFrameSize = null)
    {
        _loop = loop;
        _rawSize = rawFrameSize;
        if (Directory.Exists(path))
        {
            _files = Directory.EnumerateFiles(path)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (_files.Count == 0)
                throw new CameraException(CameraError.NotFound, $"folder {path} holds no images ({string.Join(", ", ImageExtensions)})");
        }
        else if (File.Exists(path))
        {
            if (!ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
                throw new CameraException(CameraError.UnsupportedFormat, $"{path}: unsupported image type (use {string.Join(", ", ImageExtensions)})");
            _files = [path];
        }
        else throw new CameraException(CameraError.NotFound, $"no image file or folder at {path}");
        Description = _files.Count == 1 ? path : $"{path} ({_files.Count} images)";
    }

    public string Description { get; }
    public IReadOnlyList<string> Files => _files;

    public FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout)
    {
        while (true)
        {
            if (_raw is not null)
            {
                if (ReadRawFrame(frame)) return FrameReadResult.Frame;
                _raw.Dispose();
                _raw = null;
            }
            if (_next == _files.Count)
            {
                if (!_loop) return FrameReadResult.EndOfStream;
                _next = 0;
            }
            string file = _files[_next++];
            if (Path.GetExtension(file).Equals(".yuv", StringComparison.OrdinalIgnoreCase))
            {
                _raw = File.OpenRead(file);
                _rawPath = file;
                continue;
            }
            Image image;
            try
            {
                image = ImageDecoder.Load(file);
            }
            catch (ImageFormatException e)
            {
                throw new CameraException(CameraError.BadFrame, e.Message, e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CameraException(CameraError.BadFrame, $"{file}: cannot read: {e.Message}", e);
            }
            CopyAsRgb(image, frame);
            frame.Sequence = _sequence++;
            frame.TimestampTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            frame.Source = file;
            return FrameReadResult.Frame;
        }
    }

    /// <summary>Image (gray or RGB) -> RGB24 frame.</summary>
    internal static void CopyAsRgb(Image image, VideoFrame frame)
    {
        var rgb = frame.Prepare(CameraPixelFormat.RGB24, image.Width, image.Height, image.Width * 3, image.Width * image.Height * 3);
        if (image.Channels == 3) { image.Pixels.AsSpan(0, rgb.Length).CopyTo(rgb); return; }
        if (image.Channels != 1) throw new CameraException(CameraError.UnsupportedFormat, $"image with {image.Channels} channels");
        for (int i = 0; i < image.Width * image.Height; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image.Pixels[i];
    }

    private bool ReadRawFrame(VideoFrame frame)
    {
        var (width, height) = _rawSize ?? SizeFromName(_rawPath!);
        int bytes = CameraPixelFormats.FrameBytes(CameraPixelFormat.YUV420, width, height, width);
        var span = frame.Prepare(CameraPixelFormat.YUV420, width, height, width, bytes);
        int read = _raw!.ReadAtLeast(span, bytes, throwOnEndOfStream: false);
        if (read == 0) return false;
        if (read < bytes)
            throw new CameraException(CameraError.BadFrame, $"{_rawPath}: last frame is truncated ({read} of {bytes} bytes for {width}x{height} I420)");
        frame.Sequence = _sequence++;
        frame.TimestampTicks = System.Diagnostics.Stopwatch.GetTimestamp();
        frame.Source = _rawPath!;
        return true;
    }

    internal static (int Width, int Height) SizeFromName(string path)
    {
        var match = SizePattern().Match(Path.GetFileName(path));
        if (match.Success && int.TryParse(match.Groups[1].Value, out int w) && int.TryParse(match.Groups[2].Value, out int h) && w > 0 && h > 0 && w <= 16384 && h <= 16384)
            return (w, h);
        throw new CameraException(CameraError.UnsupportedFormat, $"{path}: raw YUV needs a frame size: put it in the name (frames_640x480.yuv) or pass it explicitly");
    }

    [GeneratedRegex(@"(\d+)x(\d+)")]
    private static partial Regex SizePattern();

    public void Dispose()
    {
        _raw?.Dispose();
    }
}
