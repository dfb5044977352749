using System.Buffers.Binary;
using EdgeCnn.Format;
using EdgeCnn.Imaging;

namespace EdgeCnn.Fuzz;

/// <summary>
/// .ecnn files: mutations aimed at the header, the section table and the inside of one section (4-byte
/// fields set to interesting integers and floats, JSON characters), then the total length and the
/// CRC-32C are recomputed (in 95% of inputs) so the mutation reaches the validator instead of stopping
/// at the checksum. Pipeline: Load, CreateSession, Run, and Classify of a small image.
/// </summary>
public sealed class EcnnTarget(SeedFiles seeds) : FuzzTarget
{
    private const int HeaderSize = 32, EntrySize = 24, CrcOffset = 24, TotalLengthOffset = 16;
    private readonly IReadOnlyList<byte[]> _seeds = seeds.Ecnn();
    private static readonly Image Picture = new SyntheticImages(1).LoadImage(0);

    public override string Name => "ecnn";
    public override IReadOnlyList<byte[]> Seeds => _seeds;

    public override byte[] Mutate(byte[] seed, Random random)
    {
        byte[] data;
        int choice = random.Next(10);
        if (choice == 0 || seed.Length < HeaderSize) data = ByteMutations.Any(seed, random, 0, Math.Min(seed.Length, HeaderSize));
        else if (choice <= 2) data = MutateSectionTable(seed, random);
        else data = MutateInsideSection(seed, random);
        if (random.Next(20) != 0 && data.Length >= HeaderSize) Reseal(data);
        return data;
    }

    private static byte[] MutateSectionTable(byte[] seed, Random random)
    {
        var data = (byte[])seed.Clone();
        int count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12)), 64);
        if (count == 0 || HeaderSize + count * EntrySize > data.Length) return ByteMutations.Any(seed, random);
        int entry = HeaderSize + random.Next(count) * EntrySize;
        int field = random.Next(4);
        if (field == 0) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(entry), (uint)random.Next(0, 8));
        else if (field == 1) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(entry + 4), ByteMutations.U32(random));
        else
        {
            ulong old = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(entry + 8 * (field - 1)));
            ulong value = random.Next(3) switch
            {
                0 => old + (ulong)(random.Next(-70, 70)),
                1 => ByteMutations.U32(random),
                _ => (ulong)random.NextInt64(0, data.Length + 1),
            };
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(entry + 8 * (field - 1)), value);
        }
        return data;
    }

    private static byte[] MutateInsideSection(byte[] seed, Random random)
    {
        int count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(seed.AsSpan(12)), 64);
        if (count == 0 || HeaderSize + count * EntrySize > seed.Length) return ByteMutations.Any(seed, random);
        int entry = HeaderSize + random.Next(count) * EntrySize;
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(seed.AsSpan(entry));
        long offset = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(seed.AsSpan(entry + 8)), (ulong)seed.Length);
        long length = (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(seed.AsSpan(entry + 16)), (ulong)(seed.Length - offset));
        if (length < 4) return ByteMutations.Any(seed, random);
        int start = (int)offset, end = (int)(offset + length);
        var data = (byte[])seed.Clone();
        if (kind == 1 && random.Next(2) == 0)
        {
            // Metadata JSON: replace one character with a structural or numeric one.
            const string characters = "{}[]\":,0123456789-.eE \\u";
            data[random.Next(start, end)] = (byte)characters[random.Next(characters.Length)];
            return data;
        }
        int at = start + 4 * random.Next((end - start) / 4);
        if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), ByteMutations.U32(random));
        else if (random.Next(2) == 0) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at), ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)]);
        else return ByteMutations.Any(seed, random, start, end);
        return data;
    }

    /// <summary>Total length and CRC-32C made consistent again (the same function the reader uses).</summary>
    private static void Reseal(byte[] data)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(TotalLengthOffset), (ulong)data.Length);
        uint crc = Crc32C.Compute(data.AsSpan(0, CrcOffset));
        crc = Crc32C.Append(crc, [0, 0, 0, 0]);
        crc = Crc32C.Append(crc, data.AsSpan(CrcOffset + 4));
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(CrcOffset), crc);
    }

    public override void Run(byte[] input)
    {
        using var model = EdgeModel.Load(input, "fuzz.ecnn");
        using var session = model.CreateSession();
        var shape = session.InputShape;
        if (session.InputType == Model.ElementType.Int8 && shape.Length == 4 && shape[3] is 1 or 3)
        {
            session.Classify(Picture, topK: 3);
            return;
        }
        long count = 1;
        foreach (int d in shape) count *= d;
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 17) / 8f - 1f;
        session.Run<float>(values, shape);
        session.TopK(3);
    }

    public override bool IsDocumented(Exception e) =>
        e is EcnnFormatException
        // SessionOptions.MaxArenaBytes: a valid file may declare activations too large to run here.
        || (e is InvalidOperationException && e.Message.Contains("MaxArenaBytes", StringComparison.Ordinal));
}
