using System.Buffers.Binary;
using EdgeCnn.Imaging;

namespace EdgeCnn.Fuzz;

/// <summary>
/// Images: PNG files are mutated chunk by chunk (IHDR fields, chunk data and lengths, chunk order,
/// unknown chunks) with every chunk CRC recomputed, so the mutation reaches the decoder; BMP, JPEG and
/// PNM get byte mutations weighted towards their headers. Pipeline: decode, then preprocess into a
/// 32x32 RGB int8 input (crop, resize, quantize) as a session would.
/// </summary>
public sealed class ImageTarget(SeedFiles seeds) : FuzzTarget
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly ImagePreprocessor Preprocessor = new(null, [1, 32, 32, 3], 0.02f, 0);
    private readonly IReadOnlyList<byte[]> _seeds = seeds.Images();

    public override string Name => "image";
    public override IReadOnlyList<byte[]> Seeds => _seeds;

    public override byte[] Mutate(byte[] seed, Random random)
    {
        if (seed.AsSpan().StartsWith(PngSignature) && random.Next(8) != 0) return MutatePng(seed, random);
        // Headers decide sizes and allocations: half of the mutations land in the first 64 bytes.
        return random.Next(2) == 0 ? ByteMutations.Any(seed, random, 0, Math.Min(64, seed.Length)) : ByteMutations.Any(seed, random);
    }

    private static byte[] MutatePng(byte[] seed, Random random)
    {
        var chunks = new List<(string Type, byte[] Data)>();
        int at = 8;
        while (at + 12 <= seed.Length)
        {
            int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(seed.AsSpan(at)), (uint)(seed.Length - at - 12));
            chunks.Add((System.Text.Encoding.ASCII.GetString(seed, at + 4, 4), seed.AsSpan(at + 8, length).ToArray()));
            at += 12 + length;
        }
        if (chunks.Count == 0) return ByteMutations.Any(seed, random);
        int lengthDelta = 0, lengthChunk = -1;
        int k = random.Next(chunks.Count);
        switch (random.Next(7))
        {
            case 0:
            {
                int header = chunks.FindIndex(c => c.Type == "IHDR");
                if (header < 0 || chunks[header].Data.Length < 13) goto default;
                var d = (byte[])chunks[header].Data.Clone();
                int field = random.Next(7);
                if (field < 2) BinaryPrimitives.WriteUInt32BigEndian(d.AsSpan(4 * field), random.Next(2) == 0 ? ByteMutations.U32(random) : (uint)random.Next(0, 70000));
                else d[6 + field] = (byte)(random.Next(2) == 0 ? random.Next(0, 17) : random.Next(256));
                chunks[header] = ("IHDR", d);
                break;
            }
            case 1: lengthChunk = k; lengthDelta = random.Next(-8, 9); break;
            case 2: chunks.Insert(random.Next(chunks.Count + 1), chunks[k]); break;
            case 3: chunks.RemoveAt(k); break;
            case 4:
            {
                int j = random.Next(chunks.Count);
                (chunks[k], chunks[j]) = (chunks[j], chunks[k]);
                break;
            }
            case 5:
                chunks.Insert(random.Next(chunks.Count + 1), (new[] { "tRNS", "PLTE", "IDAT", "zzZz", "gAMA", "IEND" }[random.Next(6)], ByteMutations.RandomBytes(random, random.Next(0, 32))));
                break;
            default:
                chunks[k] = (chunks[k].Type, ByteMutations.Any(chunks[k].Data, random));
                break;
        }
        var output = new List<byte>(PngSignature);
        for (int c = 0; c < chunks.Count; c++)
        {
            var (type, data) = chunks[c];
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(data.Length + (c == lengthChunk ? lengthDelta : 0)));
            System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
            output.AddRange(header);
            output.AddRange(data);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, PngChunkCrc.Compute(header.AsSpan(4), data));
            output.AddRange(crc);
        }
        return output.ToArray();
    }

    public override void Run(byte[] input)
    {
        var image = ImageDecoder.Decode(input, "fuzz.image");
        var destination = new sbyte[Preprocessor.OutputLength];
        Preprocessor.Process(image, destination);
    }

    public override bool IsDocumented(Exception e) => e is ImageFormatException or DllNotFoundException;
}

/// <summary>The CRC-32 (ISO-HDLC) of a PNG chunk's type and data.</summary>
internal static class PngChunkCrc
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    public static uint Compute(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in type) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFF;
    }
}
