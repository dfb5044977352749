using EdgeCnn.Device.Video;
using EdgeCnn.Imaging;
using EdgeCnn.Model;

namespace EdgeCnn.Device.Conversion;

/// <summary>
/// Camera frame -> model input tensor in one pass: the runtime's <see cref="ImageResizer"/> pulls
/// source rows through <see cref="CameraRows"/>, which converts YUYV / NV12 / I420 rows to RGB
/// (<see cref="YuvToRgb"/>, vectorized) only inside the crop window and only when the resizer needs
/// them; each resized row is normalized and quantized by the runtime's
/// <see cref="InputQuantizationTable"/> on its way into the tensor. MJPEG frames are first decoded to
/// RGB into a reused buffer. RGB frames give exactly what <see cref="ImagePreprocessor"/> gives.
/// After the first frame of a size nothing allocates. Not thread-safe: one per consumer thread.
/// </summary>
public sealed class FramePreprocessor : IDisposable
{
    private readonly InputQuantizationTable _table;
    private readonly bool _bgr;
    private readonly float _cropFraction;
    private ImageResizer? _resizer;
    private byte[] _planes = [];
    private readonly VideoFrame _decoded = new();
    private JpegFrameDecoder? _jpeg;

    public FramePreprocessor(Preprocessing? preprocessing, ReadOnlySpan<int> inputShape, float inputScale, int inputZeroPoint)
    {
        if (inputShape.Length != 4 || inputShape[0] != 1)
            throw new ArgumentException($"model input shape must be NHWC with batch 1, got [{string.Join(",", inputShape.ToArray())}]", nameof(inputShape));
        Height = inputShape[1];
        Width = inputShape[2];
        Channels = inputShape[3];
        if (Width < 1 || Height < 1 || Channels is not (1 or 3))
            throw new ArgumentException($"model input [{string.Join(",", inputShape.ToArray())}] is not an image of 1 or 3 channels", nameof(inputShape));
        var p = preprocessing ?? new Preprocessing { Width = Width, Height = Height, Channels = Channels };
        if (!(p.CropFraction > 0f && p.CropFraction <= 1f))
            throw new ArgumentException($"crop fraction {p.CropFraction} must be in (0, 1]", nameof(preprocessing));
        _cropFraction = p.CropFraction;
        _bgr = p.ChannelOrder == ChannelOrder.Bgr;
        _table = InputQuantizationTable.Create(Channels, p.Mean, p.Std, inputScale, inputZeroPoint);
    }

    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public int OutputLength => Width * Height * Channels;

    /// <summary>Turns the YUV rows into RGB with the vector path (true) or the scalar one (for tests).</summary>
    public bool AllowVector { get; set; } = true;

    public void Process(VideoFrame frame, Span<sbyte> destination)
    {
        if (destination.Length != OutputLength)
            throw new ArgumentException($"destination holds {destination.Length} values; the {Height}x{Width}x{Channels} input needs {OutputLength}", nameof(destination));
        if (frame.Format is CameraPixelFormat.MJPEG or CameraPixelFormat.JPEG)
        {
            DecodeJpeg(frame);
            frame = _decoded;
        }
        var resizer = ResizerFor(frame.Width, frame.Height);
        var crop = resizer.Plan.Crop;
        var rows = new CameraRows(frame, crop.X, crop.Width, _planes, AllowVector);
        var sink = new QuantizingRowSink(destination, _table.All, Width, 3, Channels, _bgr);
        resizer.Run(ref rows, ref sink);
    }

    /// <summary>MJPEG frame -> RGB24 in a reused buffer; a damaged frame is a bad frame, not a stopped stream.</summary>
    private void DecodeJpeg(VideoFrame frame)
    {
        try
        {
            _jpeg ??= new JpegFrameDecoder(tolerateWarnings: true);
            var (width, height, _) = _jpeg.ReadHeader(frame.Data, frame.Source);
            int stride = checked(width * 3);
            var pixels = _decoded.Prepare(CameraPixelFormat.RGB24, width, height, stride, checked(stride * height));
            _jpeg.Decode(frame.Data, width, height, 3, pixels, frame.Source);
        }
        catch (DllNotFoundException e)
        {
            throw new CameraException(CameraError.ProgramMissing, e.Message, e);
        }
        catch (ImageFormatException e)
        {
            throw new CameraException(CameraError.BadFrame, e.Message, e);
        }
    }

    private ImageResizer ResizerFor(int width, int height)
    {
        if (_resizer is { } r && r.Plan.SourceWidth == width && r.Plan.SourceHeight == height) return r;
        _resizer = new ImageResizer(ResizePlan.Create(width, height, Width, Height, _cropFraction), 3);
        _planes = new byte[2 * ((width + 1) & ~1)];
        return _resizer;
    }

    public void Dispose() => _jpeg?.Dispose();
}
