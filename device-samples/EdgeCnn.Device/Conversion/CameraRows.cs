using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Device.Video;
using EdgeCnn.Imaging;

namespace EdgeCnn.Device.Conversion;

/// <summary>
/// Rows of a camera frame as RGB: YUYV (packed 4:2:2), NV12 (Y plane + interleaved UV, 4:2:0),
/// I420 (Y, U, V planes, 4:2:0) or RGB24. YUV rows are first split into a luma row and half-width
/// U and V rows (the <see cref="YuvToRgb"/> row layout), then converted. Only columns
/// [<paramref name="firstColumn"/>, firstColumn + columns) are converted: the crop window.
/// </summary>
public readonly ref struct CameraRows : IImageRowSource
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly CameraPixelFormat _format;
    private readonly int _width, _height, _stride;
    private readonly int _firstColumn, _columns;
    private readonly Span<byte> _y, _u, _v;
    private readonly bool _vector;

    /// <param name="planes">Scratch of at least 2 * width bytes for the split luma and chroma rows.</param>
    public CameraRows(VideoFrame frame, int firstColumn, int columns, Span<byte> planes, bool allowVector = true)
        : this(frame.Data, frame.Format, frame.Width, frame.Height, frame.Stride, firstColumn, columns, planes, allowVector) { }

    public CameraRows(ReadOnlySpan<byte> data, CameraPixelFormat format, int width, int height, int stride,
        int firstColumn, int columns, Span<byte> planes, bool allowVector = true)
    {
        int needed = CameraPixelFormats.FrameBytes(format, width, height, stride);
        if (needed == 0) throw new ArgumentException($"{CameraPixelFormats.Name(format)} frames must be decoded to RGB24 first", nameof(format));
        if (stride < CameraPixelFormats.MinimumStride(format, width))
            throw new ArgumentException($"row stride {stride} is below the {CameraPixelFormats.MinimumStride(format, width)} bytes a {width}-pixel {CameraPixelFormats.Name(format)} row needs", nameof(stride));
        if (data.Length < needed)
            throw new ArgumentException($"a {width}x{height} {CameraPixelFormats.Name(format)} frame with stride {stride} needs {needed} bytes, got {data.Length}", nameof(data));
        if (firstColumn < 0 || columns < 1 || firstColumn + columns > width)
            throw new ArgumentOutOfRangeException(nameof(columns), $"columns {firstColumn}..{firstColumn + columns} outside the {width}-pixel row");
        int evenWidth = (width + 1) & ~1;
        if (planes.Length < 2 * evenWidth) throw new ArgumentException("plane scratch too small", nameof(planes));
        _data = data;
        _format = format;
        _width = width;
        _height = height;
        _stride = stride;
        // Start on an even pixel so every converted pixel has its chroma pair.
        _firstColumn = firstColumn & ~1;
        _columns = firstColumn + columns - _firstColumn;
        _y = planes[..evenWidth];
        _u = planes.Slice(evenWidth, evenWidth / 2);
        _v = planes.Slice(evenWidth + evenWidth / 2, evenWidth / 2);
        _vector = allowVector;
    }

    public ReadOnlySpan<byte> GetRow(int y, Span<byte> scratch)
    {
        if ((uint)y >= (uint)_height) throw new ArgumentOutOfRangeException(nameof(y));
        switch (_format)
        {
            case CameraPixelFormat.RGB24:
                return _data.Slice(y * _stride, _width * 3);
            case CameraPixelFormat.YUYV:
                SplitYuyv(_data.Slice(y * _stride, _stride));
                break;
            case CameraPixelFormat.NV12:
            {
                int chromaRow = _stride * _height + (y >> 1) * _stride;
                SplitPlanarLuma(_data.Slice(y * _stride, _width));
                var uv = _data.Slice(chromaRow, _stride);
                int first = _firstColumn >> 1, count = (_columns + 1) >> 1;
                for (int i = first; i < first + count; i++)
                {
                    _u[i] = uv[2 * i];
                    _v[i] = uv[2 * i + 1];
                }
                break;
            }
            default: // YUV420 / I420
            {
                int chromaStride = (_stride + 1) / 2;
                int uPlane = _stride * _height, vPlane = uPlane + chromaStride * ((_height + 1) / 2);
                SplitPlanarLuma(_data.Slice(y * _stride, _width));
                int first = _firstColumn >> 1, count = (_columns + 1) >> 1;
                _data.Slice(uPlane + (y >> 1) * chromaStride + first, count).CopyTo(_u[first..]);
                _data.Slice(vPlane + (y >> 1) * chromaStride + first, count).CopyTo(_v[first..]);
                break;
            }
        }
        // The resizer indexes the row from column 0, so the converted window lands at its own offset.
        var rgb = scratch[..(_width * 3)];
        YuvToRgb.ConvertRow(_y, _u, _v, rgb[(_firstColumn * 3)..], _firstColumn, _columns, _vector);
        return rgb;
    }

    private void SplitPlanarLuma(ReadOnlySpan<byte> luma) => luma.Slice(_firstColumn, _columns).CopyTo(_y[_firstColumn..]);

    private void SplitYuyv(ReadOnlySpan<byte> row)
    {
        int pairs = (_columns + 1) >> 1, firstPair = _firstColumn >> 1;
        int p = firstPair, end = firstPair + pairs;
        if (_vector && Vector128.IsHardwareAccelerated)
            p = SplitYuyvVector(row, p, end);
        for (; p < end; p++)
        {
            int i = 4 * p;
            _y[2 * p] = row[i];
            _u[p] = row[i + 1];
            _y[2 * p + 1] = row[i + 2];
            _v[p] = row[i + 3];
        }
    }

    /// <summary>
    /// 8 pixel pairs (32 bytes of Y0 U Y1 V) per step into 16 Y, 8 U and 8 V bytes with constant byte
    /// shuffles (pshufb / tbl; index 255 yields 0). Pure data movement, so it matches the scalar loop exactly.
    /// Returns the first pair it did not split.
    /// </summary>
    private int SplitYuyvVector(ReadOnlySpan<byte> row, int p, int end)
    {
        const byte Z = 255;
        ref byte source = ref MemoryMarshal.GetReference(row);
        ref byte y = ref MemoryMarshal.GetReference(_y);
        ref byte u = ref MemoryMarshal.GetReference(_u);
        ref byte v = ref MemoryMarshal.GetReference(_v);
        for (; p + 8 <= end; p += 8)
        {
            var low = Vector128.LoadUnsafe(ref source, (nuint)(4 * p));
            var high = Vector128.LoadUnsafe(ref source, (nuint)(4 * p + 16));
            var luma = Vector128.Shuffle(low, Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, Z, Z, Z, Z, Z, Z, Z, Z))
                     | Vector128.Shuffle(high, Vector128.Create(Z, Z, Z, Z, Z, Z, Z, Z, (byte)0, 2, 4, 6, 8, 10, 12, 14));
            var blue = Vector128.Shuffle(low, Vector128.Create((byte)1, 5, 9, 13, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z))
                     | Vector128.Shuffle(high, Vector128.Create(Z, Z, Z, Z, (byte)1, 5, 9, 13, Z, Z, Z, Z, Z, Z, Z, Z));
            var red = Vector128.Shuffle(low, Vector128.Create((byte)3, 7, 11, 15, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z, Z))
                    | Vector128.Shuffle(high, Vector128.Create(Z, Z, Z, Z, (byte)3, 7, 11, 15, Z, Z, Z, Z, Z, Z, Z, Z));
            luma.StoreUnsafe(ref y, (nuint)(2 * p));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref u, p), blue.AsUInt64().ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref v, p), red.AsUInt64().ToScalar());
        }
        return p;
    }
}
