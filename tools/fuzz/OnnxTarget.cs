using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Onnx.Proto;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Format;
using Google.Protobuf;

namespace EdgeCnn.Fuzz;

/// <summary>
/// ONNX models: mutations of protobuf fields (node attributes, op types, inputs and outputs,
/// initializer dims, types and data, graph input shapes, the opset), and now and then of the serialized
/// bytes. Pipeline: import, convert (one synthetic calibration image), write, load, run: everything
/// `edgecnn convert` and a board would do with the file.
/// </summary>
public sealed class OnnxTarget(SeedFiles seeds) : FuzzTarget
{
    private static readonly string[] OpTypes =
        ["Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul", "Flatten", "Reshape", "Add", "Mul",
         "Concat", "Softmax", "Sigmoid", "Clip", "Resize", "Pad", "BatchNormalization", "Transpose", "Identity", "Dropout", "LeakyRelu", "ConvTranspose"];
    private static readonly string[] AttributeNames =
        ["pads", "strides", "kernel_shape", "dilations", "group", "axis", "auto_pad", "ceil_mode", "count_include_pad", "transB", "alpha", "beta", "mode", "perm", "epsilon"];
    private static readonly long[] InterestingInts = [0, 1, -1, 2, 3, 7, 64, 1000, 65536, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue];

    private readonly IReadOnlyList<byte[]> _seeds = seeds.Onnx();

    public override string Name => "onnx";
    public override IReadOnlyList<byte[]> Seeds => _seeds;

    public override byte[] Mutate(byte[] seed, Random random)
    {
        if (random.Next(10) == 0) return ByteMutations.Any(seed, random);
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(seed); }
        catch (InvalidProtocolBufferException) { return ByteMutations.Any(seed, random); }
        var g = model.Graph;
        if (g is null) return ByteMutations.Any(seed, random);
        switch (random.Next(7))
        {
            case 0: case 1: MutateAttribute(g, random); break;
            case 2: MutateNode(g, random); break;
            case 3: MutateInitializer(g, random); break;
            case 4: MutateValueInfo(g, random); break;
            case 5:
                if (model.OpsetImport.Count > 0) model.OpsetImport[0].Version = random.Next(3) == 0 ? InterestingInts[random.Next(InterestingInts.Length)] : random.Next(1, 25);
                break;
            default:
                if (g.Output.Count > 0 && random.Next(2) == 0) g.Output.RemoveAt(random.Next(g.Output.Count));
                else if (g.Node.Count > 0) g.Node.RemoveAt(random.Next(g.Node.Count));
                break;
        }
        return model.ToByteArray();
    }

    private static void MutateAttribute(GraphProto g, Random random)
    {
        if (g.Node.Count == 0) return;
        var node = g.Node[random.Next(g.Node.Count)];
        if (node.Attribute.Count == 0 || random.Next(4) == 0)
        {
            var added = new AttributeProto { Name = AttributeNames[random.Next(AttributeNames.Length)] };
            if (random.Next(2) == 0) { added.Type = AttributeProto.Types.AttributeType.Int; added.I = InterestingInts[random.Next(InterestingInts.Length)]; }
            else { added.Type = AttributeProto.Types.AttributeType.Ints; for (int k = random.Next(6); k > 0; k--) added.Ints.Add(random.Next(-2, 6)); }
            node.Attribute.Add(added);
            return;
        }
        var a = node.Attribute[random.Next(node.Attribute.Count)];
        switch (random.Next(8))
        {
            case 0: a.I = InterestingInts[random.Next(InterestingInts.Length)]; break;
            case 1:
                if (a.Ints.Count > 0) a.Ints[random.Next(a.Ints.Count)] = random.Next(3) == 0 ? InterestingInts[random.Next(InterestingInts.Length)] : random.Next(-2, 8);
                else a.Ints.Add(random.Next(-2, 8));
                break;
            case 2: if (a.Ints.Count > 0) a.Ints.RemoveAt(random.Next(a.Ints.Count)); else a.Ints.Add(random.Next(8)); break;
            case 3: a.F = ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)]; break;
            case 4: if (a.Floats.Count > 0) a.Floats[random.Next(a.Floats.Count)] = ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)]; else a.Floats.Add(random.Next(-3, 3)); break;
            case 5: a.Type = (AttributeProto.Types.AttributeType)random.Next(0, 15); break;
            case 6: a.S = ByteString.CopyFromUtf8(new[] { "nearest", "linear", "cubic", "SAME_UPPER", "VALID", "NOTSET", "", "constant", "reflect" }[random.Next(9)]); break;
            default: node.Attribute.Remove(a); break;
        }
    }

    private static void MutateNode(GraphProto g, Random random)
    {
        if (g.Node.Count == 0) return;
        var node = g.Node[random.Next(g.Node.Count)];
        var names = g.Node.SelectMany(n => n.Output).Concat(g.Input.Select(i => i.Name)).Concat(g.Initializer.Select(i => i.Name)).ToList();
        switch (random.Next(6))
        {
            case 0: node.OpType = OpTypes[random.Next(OpTypes.Length)]; break;
            case 1: if (node.Input.Count > 0) node.Input[random.Next(node.Input.Count)] = random.Next(4) == 0 ? "missing" : names[random.Next(names.Count)]; break;
            case 2: if (node.Input.Count > 0) node.Input.RemoveAt(random.Next(node.Input.Count)); break;
            case 3: node.Input.Add(random.Next(3) == 0 ? "" : names[random.Next(names.Count)]); break;
            case 4: if (node.Output.Count > 0) node.Output[random.Next(node.Output.Count)] = names[random.Next(names.Count)]; break;
            default: g.Node.Insert(random.Next(g.Node.Count + 1), node.Clone()); break;
        }
    }

    private static void MutateInitializer(GraphProto g, Random random)
    {
        if (g.Initializer.Count == 0) return;
        var t = g.Initializer[random.Next(g.Initializer.Count)];
        switch (random.Next(6))
        {
            case 0: if (t.Dims.Count > 0) t.Dims[random.Next(t.Dims.Count)] = random.Next(3) == 0 ? InterestingInts[random.Next(InterestingInts.Length)] : random.Next(0, 9); break;
            case 1: if (random.Next(2) == 0 && t.Dims.Count > 0) t.Dims.RemoveAt(random.Next(t.Dims.Count)); else t.Dims.Add(1); break;
            case 2: t.DataType = random.Next(0, 18); break;
            case 3:
                if (!t.RawData.IsEmpty) t.RawData = ByteString.CopyFrom(ByteMutations.Any(t.RawData.ToByteArray(), random));
                else if (t.FloatData.Count > 0) t.FloatData[random.Next(t.FloatData.Count)] = ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)];
                break;
            case 4:
                if (t.RawData.Length >= 4)
                {
                    var raw = t.RawData.ToByteArray();
                    BitConverter.TryWriteBytes(raw.AsSpan(4 * random.Next(raw.Length / 4)), ByteMutations.InterestingF32[random.Next(ByteMutations.InterestingF32.Length)]);
                    t.RawData = ByteString.CopyFrom(raw);
                }
                break;
            default:
                if (!t.RawData.IsEmpty) { t.FloatData.Add(t.RawData.Length > 0 ? 1f : 0f); t.RawData = ByteString.Empty; }
                break;
        }
    }

    private static void MutateValueInfo(GraphProto g, Random random)
    {
        var infos = g.Input.Concat(g.Output).ToList();
        if (infos.Count == 0) return;
        var info = infos[random.Next(infos.Count)];
        var tensor = info.Type?.TensorType;
        if (tensor is null) return;
        if (random.Next(5) == 0) { tensor.ElemType = random.Next(0, 18); return; }
        var dims = tensor.Shape?.Dim;
        if (dims is null || dims.Count == 0) return;
        var d = dims[random.Next(dims.Count)];
        switch (random.Next(4))
        {
            case 0: d.DimValue = random.Next(3) == 0 ? InterestingInts[random.Next(InterestingInts.Length)] : random.Next(0, 40); break;
            case 1: d.DimParam = "N"; break;
            case 2: dims.Remove(d); break;
            default: dims.Add(new TensorShapeProto.Types.Dimension { DimValue = random.Next(1, 4) }); break;
        }
    }

    public override void Run(byte[] input)
    {
        var graph = OnnxImporter.Import(input, "fuzz.onnx");
        var result = OnnxConversion.Convert(graph, "fuzz", new OnnxConversionOptions
        {
            Calibration = new SyntheticImages(1), CalibrationCount = 1, ReportCount = 0,
        });
        var bytes = EcnnWriter.Write(result.Model);
        using var model = EdgeModel.Load(bytes, "fuzz.ecnn");
        using var session = model.CreateSession();
        var shape = session.InputShape;
        long count = 1;
        foreach (int d in shape) count *= d;
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (i % 13) / 6f - 1f;
        session.Run<float>(values, shape);
    }

    public override bool IsDocumented(Exception e) =>
        e is ConversionException
        || (e is InvalidOperationException && e.Message.Contains("MaxArenaBytes", StringComparison.Ordinal));
}
