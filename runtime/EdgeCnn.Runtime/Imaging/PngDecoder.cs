using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeCnn.Imaging;

/// <summary>
/// PNG: every color type (gray, RGB, palette, gray+alpha, RGBA) at every legal bit depth (1..16),
/// Adam7 interlace, the five row filters, CRC of every chunk checked, zlib through
/// <see cref="ZLibStream"/>. Alpha and tRNS are dropped (the image is not composited). 16-bit samples
/// are rounded to 8 bits; palette images with an all-gray palette decode to 1 channel.
/// </summary>
internal static class PngDecoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private const long MaxDeflateRatio = 1032;
    private const int Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

    // Adam7 passes: x start, y start, x step, y step.
    private static ReadOnlySpan<byte> Adam7 =>
    [
        0, 0, 8, 8,
        4, 0, 8, 8,
        0, 4, 4, 8,
        2, 0, 4, 4,
        0, 2, 2, 4,
        1, 0, 2, 2,
        0, 1, 1, 2,
    ];

    public static bool Matches(ReadOnlySpan<byte> data) => data.Length >= 8 && data[..8].SequenceEqual(Signature);

    public static Image Decode(ReadOnlySpan<byte> data, string source)
    {
        var header = default(Header);
        bool sawHeader = false, sawEnd = false, sawData = false, dataEnded = false;
        byte[]? palette = null;
        int paletteCount = 0;
        var idatChunks = new List<(int Start, int Length)>();
        long idatTotal = 0;

        int pos = 8;
        while (!sawEnd)
        {
            if (data.Length - pos < 12)
                throw new ImageFormatException(source, pos == data.Length
                    ? "PNG truncated: the file ends before the IEND chunk"
                    : $"PNG truncated inside a chunk header at byte {pos}");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[pos..]);
            var typeBytes = data.Slice(pos + 4, 4);
            string type = ChunkName(typeBytes);
            if (!IsChunkName(typeBytes))
                throw new ImageFormatException(source, $"PNG chunk type at byte {pos + 4} is not four letters (0x{BinaryPrimitives.ReadUInt32BigEndian(typeBytes):X8})");
            if (length > int.MaxValue || length > (uint)(data.Length - pos - 12))
                throw new ImageFormatException(source,
                    $"PNG truncated: chunk {type} at byte {pos} declares {length} bytes, only {Math.Max(0, data.Length - pos - 12)} remain");
            var body = data.Slice(pos + 8, (int)length);
            uint storedCrc = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 8 + (int)length)..]);
            uint actualCrc = PngCrc32.Compute(data.Slice(pos + 4, 4 + (int)length));
            if (storedCrc != actualCrc)
                throw new ImageFormatException(source,
                    $"PNG chunk {type} at byte {pos} fails its CRC (stored 0x{storedCrc:X8}, computed 0x{actualCrc:X8})");

            if (!sawHeader && type != "IHDR")
                throw new ImageFormatException(source, $"PNG must start with IHDR, found {type}");
            if (sawData && type != "IDAT") dataEnded = true;
            switch (type)
            {
                case "IHDR":
                    if (sawHeader)
                        throw new ImageFormatException(source, "PNG has a second IHDR chunk");
                    header = ReadHeader(body, source);
                    sawHeader = true;
                    break;
                case "PLTE":
                    if (palette is not null)
                        throw new ImageFormatException(source, "PNG has a second PLTE chunk");
                    if (sawData)
                        throw new ImageFormatException(source, "PNG PLTE chunk comes after image data");
                    if (length % 3 != 0 || length == 0 || length > 256 * 3)
                        throw new ImageFormatException(source, $"PNG PLTE length {length} is not 3 x (1..256)");
                    palette = body.ToArray();
                    paletteCount = (int)length / 3;
                    break;
                case "IDAT":
                    if (dataEnded)
                        throw new ImageFormatException(source, "PNG IDAT chunks are not consecutive");
                    sawData = true;
                    idatChunks.Add((pos + 8, (int)length));
                    idatTotal += length;
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    // Ancillary chunks (lower-case first letter: tRNS, gAMA, tEXt, ...) are safe to skip.
                    if ((typeBytes[0] & 0x20) == 0)
                        throw new ImageFormatException(source, $"PNG critical chunk {type} is not supported");
                    break;
            }
            pos += 12 + (int)length;
        }

        if (!sawData)
            throw new ImageFormatException(source, "PNG has no IDAT (image data) chunk");
        if (header.ColorType == Palette && palette is null)
            throw new ImageFormatException(source, "PNG palette image has no PLTE chunk");
        if (header.ColorType == Palette && paletteCount > 1 << header.BitDepth)
            throw new ImageFormatException(source,
                $"PNG palette has {paletteCount} entries, more than a {header.BitDepth}-bit index can address");

        int channels = header.ColorType switch
        {
            Gray or GrayAlpha => 1,
            Palette => IsGrayPalette(palette!) ? 1 : 3,
            _ => 3,
        };
        ImageLimits.Check(source, header.Width, header.Height, channels);

        long rawSize = RawSize(header);
        if (rawSize > int.MaxValue)
            throw new ImageFormatException(source, $"PNG decompressed size {rawSize} bytes is too large");
        // Deflate cannot expand data more than 1032:1, so a header promising more than that is a lie
        // (or a truncated file): refuse before allocating what it asks for.
        if (rawSize > idatTotal * MaxDeflateRatio + 1024)
            throw new ImageFormatException(source,
                $"PNG image data truncated: {idatTotal} compressed bytes cannot hold the {rawSize} bytes a {header.Width}x{header.Height} image needs");
        var compressed = new byte[idatTotal];
        int at = 0;
        foreach (var (start, len) in idatChunks)
        {
            data.Slice(start, len).CopyTo(compressed.AsSpan(at));
            at += len;
        }
        var raw = Inflate(compressed, (int)rawSize, source);

        var image = new Image(header.Width, header.Height, channels);
        var converter = new PixelConverter(header, palette, paletteCount, channels, source);
        if (header.Interlaced)
        {
            int offset = 0;
            for (int p = 0; p < 7; p++)
            {
                int x0 = Adam7[p * 4], y0 = Adam7[p * 4 + 1], dx = Adam7[p * 4 + 2], dy = Adam7[p * 4 + 3];
                int passWidth = PassSize(header.Width, x0, dx), passHeight = PassSize(header.Height, y0, dy);
                if (passWidth == 0 || passHeight == 0) continue;
                offset = DecodePass(raw, offset, header, passWidth, passHeight, image, converter, x0, y0, dx, dy, source);
            }
        }
        else
        {
            DecodePass(raw, 0, header, header.Width, header.Height, image, converter, 0, 0, 1, 1, source);
        }
        return image;
    }

    private readonly record struct Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
    {
        public int SamplesPerPixel => ColorType switch { Gray => 1, Rgb => 3, Palette => 1, GrayAlpha => 2, _ => 4 };
        public int BitsPerPixel => SamplesPerPixel * BitDepth;
        /// <summary>The filters' byte distance to the "left" pixel: at least one byte.</summary>
        public int FilterStride => Math.Max(1, BitsPerPixel / 8);
        public long RowBytes(int width) => ((long)width * BitsPerPixel + 7) / 8;
    }

    private static Header ReadHeader(ReadOnlySpan<byte> body, string source)
    {
        if (body.Length != 13)
            throw new ImageFormatException(source, $"PNG IHDR length {body.Length} must be 13");
        uint width = BinaryPrimitives.ReadUInt32BigEndian(body);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int depth = body[8], color = body[9], compression = body[10], filter = body[11], interlace = body[12];
        bool depthOk = color switch
        {
            Gray => depth is 1 or 2 or 4 or 8 or 16,
            Palette => depth is 1 or 2 or 4 or 8,
            Rgb or GrayAlpha or Rgba => depth is 8 or 16,
            _ => throw new ImageFormatException(source, $"PNG color type {color} is not valid"),
        };
        if (!depthOk)
            throw new ImageFormatException(source, $"PNG bit depth {depth} is not valid for color type {color}");
        if (compression != 0)
            throw new ImageFormatException(source, $"PNG compression method {compression} is not valid");
        if (filter != 0)
            throw new ImageFormatException(source, $"PNG filter method {filter} is not valid");
        if (interlace > 1)
            throw new ImageFormatException(source, $"PNG interlace method {interlace} is not valid");
        // Checked here, before any buffer is sized from these numbers.
        ImageLimits.Check(source, width, height, 1);
        return new Header((int)width, (int)height, depth, color, interlace == 1);
    }

    private static int PassSize(int size, int start, int step) => size > start ? (size - start + step - 1) / step : 0;

    private static long RawSize(Header h)
    {
        if (!h.Interlaced) return h.Height * (1 + h.RowBytes(h.Width));
        long total = 0;
        for (int p = 0; p < 7; p++)
        {
            int w = PassSize(h.Width, Adam7[p * 4], Adam7[p * 4 + 2]);
            int hh = PassSize(h.Height, Adam7[p * 4 + 1], Adam7[p * 4 + 3]);
            if (w > 0 && hh > 0) total += hh * (1 + h.RowBytes(w));
        }
        return total;
    }

    private static byte[] Inflate(byte[] compressed, int rawSize, string source)
    {
        var raw = new byte[rawSize];
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            int filled = 0;
            while (filled < rawSize)
            {
                int n = zlib.Read(raw, filled, rawSize - filled);
                if (n == 0)
                    throw new ImageFormatException(source,
                        $"PNG image data truncated: decompressed {filled} of {rawSize} bytes");
                filled += n;
            }
            // Read on to the end of the stream so zlib verifies its Adler-32 checksum. Surplus data after
            // the image is tolerated, as libpng does.
            Span<byte> probe = stackalloc byte[1];
            _ = zlib.Read(probe); // 0 at the end of the stream, 1 when surplus data follows: both fine
        }
        // zlib reports a damaged stream as InvalidDataException or, for some errors, ZLibException (an IOException).
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new ImageFormatException(source, $"PNG image data is not valid zlib: {e.Message}", e);
        }
        return raw;
    }

    /// <summary>Unfilters one (sub)image in place in <paramref name="raw"/> and stores its pixels.</summary>
    private static int DecodePass(byte[] raw, int offset, Header h, int width, int height, Image image,
        PixelConverter converter, int x0, int y0, int dx, int dy, string source)
    {
        int rowBytes = (int)h.RowBytes(width);
        int bpp = h.FilterStride;
        Span<byte> previous = default;
        for (int y = 0; y < height; y++)
        {
            int filter = raw[offset];
            var row = raw.AsSpan(offset + 1, rowBytes);
            Unfilter(filter, row, previous, bpp, source, y);
            converter.StoreRow(row, width, image, y0 + y * dy, x0, dx);
            previous = row;
            offset += 1 + rowBytes;
        }
        return offset;
    }

    private static void Unfilter(int filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp, string source, int y)
    {
        bool first = previous.IsEmpty; // the row above the first row is all zeros
        switch (filter)
        {
            case 0:
                break;
            case 1: // Sub
                for (int i = bpp; i < row.Length; i++)
                    row[i] = (byte)(row[i] + row[i - bpp]);
                break;
            case 2: // Up
                if (!first)
                    for (int i = 0; i < row.Length; i++)
                        row[i] = (byte)(row[i] + previous[i]);
                break;
            case 3: // Average
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bpp ? row[i - bpp] : 0;
                    int up = first ? 0 : previous[i];
                    row[i] = (byte)(row[i] + ((left + up) >> 1));
                }
                break;
            case 4: // Paeth
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0;
                    int b = first ? 0 : previous[i];
                    int c = i >= bpp && !first ? previous[i - bpp] : 0;
                    row[i] = (byte)(row[i] + Paeth(a, b, c));
                }
                break;
            default:
                throw new ImageFormatException(source, $"PNG row {y} uses filter type {filter} (valid: 0..4)");
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc) return a;
        return pb <= pc ? b : c;
    }

    private static bool IsGrayPalette(byte[] palette)
    {
        for (int i = 0; i < palette.Length; i += 3)
            if (palette[i] != palette[i + 1] || palette[i + 1] != palette[i + 2])
                return false;
        return true;
    }

    private static bool IsChunkName(ReadOnlySpan<byte> t)
    {
        foreach (byte b in t)
            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
                return false;
        return true;
    }

    private static string ChunkName(ReadOnlySpan<byte> t)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
            chars[i] = t[i] is >= 0x20 and < 0x7F ? (char)t[i] : '?';
        return new string(chars);
    }

    /// <summary>Turns unfiltered rows of samples into 8-bit gray or RGB pixels of the output image.</summary>
    private sealed class PixelConverter
    {
        private readonly Header _h;
        private readonly byte[]? _palette;
        private readonly int _paletteCount;
        private readonly int _channels;
        private readonly string _source;

        public PixelConverter(Header h, byte[]? palette, int paletteCount, int channels, string source)
        {
            _h = h;
            _palette = palette;
            _paletteCount = paletteCount;
            _channels = channels;
            _source = source;
        }

        private int Sample(ReadOnlySpan<byte> row, int index)
        {
            switch (_h.BitDepth)
            {
                case 8: return row[index];
                case 16: return row[2 * index] << 8 | row[2 * index + 1];
                default:
                    int bits = _h.BitDepth, perByte = 8 / bits;
                    int shift = 8 - bits * (index % perByte + 1);
                    return (row[index / perByte] >> shift) & ((1 << bits) - 1);
            }
        }

        private byte To8Bit(int v) => _h.BitDepth switch
        {
            8 => (byte)v,
            16 => (byte)((v * 255L + 32767) / 65535),
            1 => (byte)(v * 255),
            2 => (byte)(v * 85),
            _ => (byte)(v * 17),
        };

        public void StoreRow(ReadOnlySpan<byte> row, int width, Image image, int y, int x0, int dx)
        {
            var dst = image.Row(y);
            int spp = _h.SamplesPerPixel;
            for (int i = 0; i < width; i++)
            {
                int o = (x0 + i * dx) * _channels;
                if (_h.ColorType == Palette)
                {
                    int index = Sample(row, i);
                    if (index >= _paletteCount)
                        throw new ImageFormatException(_source,
                            $"PNG pixel uses palette index {index}, the palette has {_paletteCount} colors");
                    dst[o] = _palette![index * 3];
                    if (_channels == 3)
                    {
                        dst[o + 1] = _palette[index * 3 + 1];
                        dst[o + 2] = _palette[index * 3 + 2];
                    }
                }
                else if (_channels == 1)
                {
                    dst[o] = To8Bit(Sample(row, i * spp));
                }
                else
                {
                    dst[o] = To8Bit(Sample(row, i * spp));
                    dst[o + 1] = To8Bit(Sample(row, i * spp + 1));
                    dst[o + 2] = To8Bit(Sample(row, i * spp + 2));
                }
            }
        }
    }
}
