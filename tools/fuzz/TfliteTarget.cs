using System.Buffers.Binary;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tflite;
using EdgeCnn.Format;

namespace EdgeCnn.Fuzz;

/// <summary>
/// TFLite models: the FlatBuffer is walked from the root table through vtables and 4-byte fields that
/// look like offsets (they land inside the buffer); mutations then hit exactly those places: vtable
/// sizes and field slots, uoffsets and soffsets, vector lengths, scalars in tables. Pipeline: import
/// (quantized models keep their scales; float ones are calibrated like ONNX), write, load, run.
/// </summary>
public sealed class TfliteTarget(SeedFiles seeds) : FuzzTarget
{
    private readonly IReadOnlyList<byte[]> _seeds = seeds.Tflite();
    private readonly Dictionary<byte[], Layout> _layouts = new(ReferenceEqualityComparer.Instance);

    public override string Name => "tflite";
    public override IReadOnlyList<byte[]> Seeds => _seeds;

    /// <summary>Where the structure is: vtable u16 slots, offset fields (u32) and vector length fields.</summary>
    private sealed record Layout(List<int> VtableSlots, List<int> Offsets, List<int> VectorLengths, List<int> Scalars);

    public override byte[] Mutate(byte[] seed, Random random)
    {
        if (random.Next(8) == 0) return ByteMutations.Any(seed, random);
        if (!_layouts.TryGetValue(seed, out var layout))
        {
            layout = Walk(seed);
            if (_seeds.Contains(seed)) _layouts[seed] = layout; // mutants are walked afresh
        }
        var data = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0 when layout.VtableSlots.Count > 0:
            {
                int at = layout.VtableSlots[random.Next(layout.VtableSlots.Count)];
                ushort old = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
                ushort value = random.Next(4) switch { 0 => 0, 1 => 0xFFFF, 2 => (ushort)(old + random.Next(-8, 9)), _ => (ushort)random.Next(0, 64) };
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), value);
                return data;
            }
            case 1 when layout.Offsets.Count > 0:
            {
                int at = layout.Offsets[random.Next(layout.Offsets.Count)];
                uint old = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
                uint value = random.Next(4) switch
                {
                    0 => (uint)(old + 4 * random.Next(-4, 5)),
                    1 => (uint)(data.Length - at + random.Next(-8, 8)),
                    2 => unchecked((uint)-at),
                    _ => ByteMutations.U32(random),
                };
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
                return data;
            }
            case 2 when layout.VectorLengths.Count > 0:
            {
                int at = layout.VectorLengths[random.Next(layout.VectorLengths.Count)];
                uint old = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
                uint value = random.Next(3) switch { 0 => 0, 1 => old + (uint)random.Next(1, 5), _ => ByteMutations.U32(random) };
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
                return data;
            }
            case 3 when layout.Scalars.Count > 0:
            {
                int at = layout.Scalars[random.Next(layout.Scalars.Count)];
                if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), ByteMutations.U32(random));
                else BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at), ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)]);
                return data;
            }
            default: return ByteMutations.Any(seed, random);
        }
    }

    /// <summary>Follows tables from the root (depth and count bounded): a schema-free map of the buffer.</summary>
    private static Layout Walk(byte[] data)
    {
        var layout = new Layout([], [], [], []);
        // Mutants are walked too, and a schema-free walk of a damaged buffer may step outside it: what
        // was found up to there is the map.
        try { WalkInto(data, layout); }
        catch (ArgumentOutOfRangeException) { }
        return layout;
    }

    private static void WalkInto(byte[] data, Layout layout)
    {
        if (data.Length < 8) return;
        var seen = new HashSet<int>();
        var pending = new Stack<(int Table, int Depth)>();
        layout.Offsets.Add(0);
        pending.Push(((int)BinaryPrimitives.ReadUInt32LittleEndian(data), 0));
        while (pending.Count > 0 && seen.Count < 4000)
        {
            var (table, depth) = pending.Pop();
            if (table < 0 || table + 4 > data.Length || !seen.Add(table)) continue;
            long vtable = table - (long)BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(table));
            if (vtable < 0 || vtable + 4 > data.Length) continue;
            int vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)vtable));
            if (vtableSize < 4 || vtable + vtableSize > data.Length) continue;
            layout.VtableSlots.Add((int)vtable);
            layout.VtableSlots.Add((int)vtable + 2);
            for (int slot = 4; slot + 2 <= vtableSize; slot += 2)
            {
                int fieldOffset = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)vtable + slot));
                if (fieldOffset == 0) continue;
                layout.VtableSlots.Add((int)vtable + slot);
                int field = table + fieldOffset;
                if (field + 4 > data.Length) continue;
                uint value = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(field));
                long target = field + (long)value;
                if (value >= 4 && value % 4 == 0 && target + 4 <= data.Length && depth < 12)
                {
                    layout.Offsets.Add(field);
                    // A vector or string starts with its length; a table with its soffset. Try both readings.
                    layout.VectorLengths.Add((int)target);
                    pending.Push(((int)target, depth + 1));
                    uint elements = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)target));
                    for (uint e = 0; e < Math.Min(elements, 64u); e++)
                    {
                        long element = target + 4 + 4 * e;
                        if (element + 4 > data.Length) break;
                        uint rel = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)element));
                        if (rel >= 4 && rel % 4 == 0 && element + rel + 4 <= data.Length)
                        {
                            layout.Offsets.Add((int)element);
                            pending.Push(((int)(element + rel), depth + 1));
                        }
                    }
                }
                else layout.Scalars.Add(field);
            }
        }
    }

    public override void Run(byte[] input)
    {
        Model.EcnnModel model;
        if (TfliteFloatImport.IsFloatModel(input, "fuzz.tflite"))
        {
            var graph = TfliteFloatImport.ImportGraph(input, "fuzz.tflite");
            model = OnnxConversion.Convert(graph, "fuzz", new OnnxConversionOptions { Calibration = new SyntheticImages(1), CalibrationCount = 1, ReportCount = 0 }).Model;
        }
        else model = TfliteImporter.Import(input, "fuzz.tflite");
        using var loaded = EdgeModel.Load(EcnnWriter.Write(model), "fuzz.ecnn");
        using var session = loaded.CreateSession();
        var shape = session.InputShape;
        long count = 1;
        foreach (int d in shape) count *= d;
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 11) / 5f - 1f;
        session.Run<float>(values, shape);
    }

    public override bool IsDocumented(Exception e) =>
        e is TfliteFormatException or ConversionException
        || (e is InvalidOperationException && e.Message.Contains("MaxArenaBytes", StringComparison.Ordinal));
}
