using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx.Proto;
using Google.Protobuf;

namespace EdgeCnn.Converter.Onnx;

/// <summary>
/// Reads an ONNX model (ModelProto) into a <see cref="ModelGraph"/> without changing its meaning:
/// initializers become constant values, graph inputs keep their declared shapes (symbolic dims become
/// <see cref="GraphValue.UnknownDim"/>), nodes keep their ONNX op types and attributes. Anything the
/// converter cannot run (another operator domain, an unsupported operator, external data, an opset
/// outside 7..25) is refused here with a <see cref="ConversionException"/> naming it.
/// </summary>
public static class OnnxImporter
{
    public static ModelGraph ImportFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConversionException($"{path}: cannot read the file: {e.Message}", e);
        }
        return Import(bytes, path);
    }

    /// <summary>Imports a serialized model; <paramref name="source"/> names it in error messages.</summary>
    public static ModelGraph Import(byte[] bytes, string source) => Import(ParseModel(bytes, source), source);

    internal static ModelProto ParseModel(byte[] bytes, string source)
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new ConversionException($"{source}: not a valid ONNX model (malformed protobuf: {e.Message})", e);
        }
        if (model.Graph is null || (model.Graph.Node.Count == 0 && model.Graph.Output.Count == 0))
            throw new ConversionException($"{source}: not a valid ONNX model (no graph)");
        return model;
    }

    internal static ModelGraph Import(ModelProto model, string source = "model")
    {
        int opset = DefaultOpset(model, source);
        var g = model.Graph;
        if (g.SparseInitializer.Count > 0)
            throw new ConversionException($"{source}: sparse initializers are not supported ('{g.SparseInitializer[0].Values?.Name}')");

        var graph = new ModelGraph { Name = g.Name.Length > 0 ? g.Name : Path.GetFileNameWithoutExtension(source), OpsetVersion = opset };
        foreach (var init in g.Initializer)
        {
            if (init.Name.Length == 0) throw new ConversionException($"{source}: an initializer has no name");
            var tensor = OnnxTensorDecoder.Decode(init, source);
            if (!graph.Values.TryAdd(init.Name, GraphValue.FromConstant(init.Name, tensor)))
                throw new ConversionException($"{source}: initializer '{init.Name}' is defined twice");
        }

        foreach (var input in g.Input)
        {
            if (graph.Values.ContainsKey(input.Name)) continue; // an initializer listed as input (IR < 4): a constant
            graph.AddValue(ImportValueInfo(input, source));
            graph.Inputs.Add(input.Name);
        }
        foreach (var info in g.ValueInfo)
            if (!graph.Values.ContainsKey(info.Name) && info.Type?.TensorType is not null)
                graph.AddValue(ImportValueInfo(info, source));
        foreach (var output in g.Output)
        {
            if (!graph.Values.ContainsKey(output.Name)) graph.AddValue(ImportValueInfo(output, source));
            graph.Outputs.Add(output.Name);
        }

        var usedNodeNames = new HashSet<string>(StringComparer.Ordinal);
        var unsupported = new UnsupportedOperators();
        for (int i = 0; i < g.Node.Count; i++)
        {
            var node = ImportNode(g.Node[i], i, usedNodeNames, source, unsupported);
            foreach (var output in node.Outputs)
                if (output.Length > 0 && !graph.Values.ContainsKey(output))
                    graph.AddValue(new GraphValue(output, TensorElementType.Undefined));
            graph.Nodes.Add(node);
        }
        // One refusal that lists every unsupported operator, not one run per operator.
        if (unsupported.Any) throw new ConversionException(unsupported.Message(source, SupportedOperators.Listing()));
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                if (input.Length > 0 && !graph.Values.ContainsKey(input))
                    throw new ConversionException($"{source}: node {node.Describe()} reads '{input}', which no node, input or initializer produces");
        graph.SortTopologically();
        return graph;
    }

    private static int DefaultOpset(ModelProto model, string source)
    {
        long opset = -1;
        foreach (var entry in model.OpsetImport)
            if (entry.Domain is "" or "ai.onnx") opset = entry.Version;
        if (opset < 0 && model.OpsetImport.Count == 0) opset = 1; // IR 1-2 models carry no opset_import
        if (opset < SupportedOperators.MinOpset || opset > SupportedOperators.MaxOpset)
            throw new ConversionException(
                $"{source}: ONNX opset {opset} is not supported (supported: {SupportedOperators.MinOpset} to {SupportedOperators.MaxOpset})");
        return (int)opset;
    }

    private static GraphValue ImportValueInfo(ValueInfoProto info, string source)
    {
        var tensorType = info.Type?.TensorType;
        if (tensorType is null)
            throw new ConversionException($"{source}: value '{info.Name}' is not a tensor (sequences, maps and optionals are not supported)");
        var type = (TensorElementType)tensorType.ElemType;
        int[]? shape = null;
        if (tensorType.Shape is not null)
        {
            shape = new int[tensorType.Shape.Dim.Count];
            for (int i = 0; i < shape.Length; i++)
            {
                var dim = tensorType.Shape.Dim[i];
                shape[i] = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue >= 0 && dim.DimValue <= int.MaxValue
                    ? (int)dim.DimValue
                    : GraphValue.UnknownDim;
            }
        }
        return new GraphValue(info.Name, type, shape);
    }

    private static GraphNode ImportNode(NodeProto proto, int index, HashSet<string> usedNames, string source, UnsupportedOperators unsupported)
    {
        string name = proto.Name;
        if (name.Length == 0 || usedNames.Contains(name))
        {
            string baseName = name.Length == 0 ? $"{proto.OpType}_{index}" : $"{name}_{index}";
            name = baseName;
            for (int k = 1; usedNames.Contains(name); k++) name = $"{baseName}_{k}";
        }
        usedNames.Add(name);

        if (proto.Domain is not ("" or "ai.onnx"))
            unsupported.Add($"{proto.Domain}.{proto.OpType}", name, $"operator domain '{proto.Domain}'; only the default ONNX domain is supported");
        else if (!SupportedOperators.IsSupported(proto.OpType))
            unsupported.Add(proto.OpType, name);

        var node = new GraphNode(proto.OpType, name, proto.Input, proto.Output);
        foreach (var attribute in proto.Attribute)
            node.Attributes[attribute.Name] = ImportAttribute(attribute, node, source);
        return node;
    }

    private static NodeAttribute ImportAttribute(AttributeProto a, GraphNode node, string source)
    {
        string where = $"{source}: node {node.Describe()} attribute '{a.Name}'";
        var type = a.Type;
        if (type == AttributeProto.Types.AttributeType.Undefined) type = GuessType(a);
        return type switch
        {
            AttributeProto.Types.AttributeType.Float => NodeAttribute.Of(a.F),
            AttributeProto.Types.AttributeType.Int => NodeAttribute.Of(a.I),
            AttributeProto.Types.AttributeType.String => NodeAttribute.Of(a.S.ToStringUtf8()),
            AttributeProto.Types.AttributeType.Tensor => NodeAttribute.Of(OnnxTensorDecoder.Decode(a.T, where)),
            AttributeProto.Types.AttributeType.Floats => NodeAttribute.Of(a.Floats.ToArray()),
            AttributeProto.Types.AttributeType.Ints => NodeAttribute.Of(a.Ints.ToArray()),
            AttributeProto.Types.AttributeType.Strings => NodeAttribute.Of(a.Strings.Select(s => s.ToStringUtf8()).ToArray()),
            _ => throw new ConversionException($"{where} has type {a.Type}, which is not supported"),
        };
    }

    /// <summary>IR version 1 attributes carry no type; the one field that is set tells it.</summary>
    private static AttributeProto.Types.AttributeType GuessType(AttributeProto a)
    {
        if (a.Floats.Count > 0) return AttributeProto.Types.AttributeType.Floats;
        if (a.Ints.Count > 0) return AttributeProto.Types.AttributeType.Ints;
        if (a.Strings.Count > 0) return AttributeProto.Types.AttributeType.Strings;
        if (a.T is not null) return AttributeProto.Types.AttributeType.Tensor;
        if (a.G is not null) return AttributeProto.Types.AttributeType.Graph;
        if (!a.S.IsEmpty) return AttributeProto.Types.AttributeType.String;
        if (a.F != 0) return AttributeProto.Types.AttributeType.Float;
        return AttributeProto.Types.AttributeType.Int;
    }
}
