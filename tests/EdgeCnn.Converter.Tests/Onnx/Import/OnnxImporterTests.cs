using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Onnx.Proto;
using Google.Protobuf;

namespace EdgeCnn.Converter.Tests.Onnx.Import;

public sealed class OnnxImporterTests
{
    private static ValueInfoProto FloatInfo(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }

    /// <summary>x[?,1,3,3] -> Conv(w: raw_data initializer, b: float_data initializer) -> Relu -> y.</summary>
    private static ModelProto ConvRelu(int opset = 13, string secondOp = "Relu", string domain = "")
    {
        var weights = new byte[9 * 4];
        for (int i = 0; i < 9; i++) BitConverter.TryWriteBytes(weights.AsSpan(4 * i), i + 1f);
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(FloatInfo("x", -1, 1, 3, 3));
        graph.Output.Add(FloatInfo("y", -1, 1, 1, 1));
        graph.Initializer.Add(new TensorProto { Name = "w", DataType = 1, Dims = { 1, 1, 3, 3 }, RawData = ByteString.CopyFrom(weights) });
        graph.Initializer.Add(new TensorProto { Name = "b", DataType = 1, Dims = { 1 }, FloatData = { -50f } });
        var conv = new NodeProto { OpType = "Conv", Name = "conv1", Input = { "x", "w", "b" }, Output = { "c" } };
        conv.Attribute.Add(new AttributeProto { Name = "kernel_shape", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 3, 3 } });
        graph.Node.Add(conv);
        graph.Node.Add(new NodeProto { OpType = secondOp, Domain = domain, Input = { "c" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    [Fact]
    public void Imports_initializers_inputs_nodes_and_attributes_and_runs()
    {
        var graph = OnnxImporter.Import(ConvRelu().ToByteArray(), "tiny.onnx");
        Assert.Equal(13, graph.OpsetVersion);
        Assert.Equal(["x"], graph.Inputs);
        Assert.Equal([GraphValue.UnknownDim, 1, 3, 3], graph.GetValue("x").Shape!);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 7, 8, 9], graph.GetValue("w").FloatData!);
        Assert.Equal([-50f], graph.GetValue("b").FloatData!);
        Assert.Equal(["Conv", "Relu"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal("conv1", graph.Nodes[0].Name);
        Assert.Equal([3L, 3L], graph.Nodes[0].GetInts("kernel_shape")!);
        Assert.False(string.IsNullOrEmpty(graph.Nodes[1].Name));

        var ones = new Tensor([1, 1, 3, 3], Enumerable.Repeat(1f, 9).ToArray());
        var y = new FloatExecutor(graph).Run(new Dictionary<string, Tensor> { ["x"] = ones })["y"];
        Assert.Equal([0f], y.Floats!); // 45 - 50 -> Relu -> 0
    }

    [Fact]
    public void Unsupported_operator_names_the_op_the_node_and_the_supported_list()
    {
        var bytes = ConvRelu(secondOp: "Det").ToByteArray();
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(bytes, "m.onnx"));
        Assert.Contains("'Det'", e.Message);
        Assert.Contains("Det_1", e.Message);
        Assert.Contains("m.onnx", e.Message);
        Assert.Contains("supported operators: ", e.Message);
        Assert.Contains("Conv", e.Message);
    }

    [Fact]
    public void Every_unsupported_operator_is_listed_once_with_its_first_node_and_count()
    {
        var model = ConvRelu(secondOp: "Det");
        var g = model.Graph;
        g.Output.Clear();
        g.Output.Add(FloatInfo("z", -1, 1, 1, 1));
        g.Node.Add(new NodeProto { OpType = "Hardmax", Name = "first_hardmax", Input = { "y" }, Output = { "h1" } });
        g.Node.Add(new NodeProto { OpType = "Det", Name = "second_det", Input = { "h1" }, Output = { "d2" } });
        g.Node.Add(new NodeProto { OpType = "Hardmax", Name = "second_hardmax", Input = { "d2" }, Output = { "h2" } });
        g.Node.Add(new NodeProto { OpType = "Relu", Name = "custom", Domain = "com.example", Input = { "h2" }, Output = { "z" } });
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model.ToByteArray(), "m.onnx"));
        Assert.Contains("3 unsupported operators", e.Message);
        Assert.Contains("'Det' (first in node 'Det_1', 2 nodes)", e.Message);
        Assert.Contains("'Hardmax' (first in node 'first_hardmax', 2 nodes)", e.Message);
        Assert.Contains("'com.example.Relu' (first in node 'custom', 1 node", e.Message);
        Assert.DoesNotContain("second_det", e.Message);
        Assert.DoesNotContain("second_hardmax", e.Message);
    }

    [Fact]
    public void Other_operator_domains_are_refused()
    {
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(ConvRelu(domain: "com.microsoft").ToByteArray(), "m.onnx"));
        Assert.Contains("com.microsoft", e.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(26)]
    public void Opsets_outside_7_to_25_are_refused(int opset)
    {
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(ConvRelu(opset).ToByteArray(), "m.onnx"));
        Assert.Contains($"opset {opset}", e.Message);
    }

    [Fact]
    public void Malformed_and_truncated_protobuf_names_the_file()
    {
        var bytes = ConvRelu().ToByteArray();
        var random = new Random(5);
        for (int cut = 1; cut < bytes.Length; cut += 7)
        {
            var truncated = bytes[..cut];
            try { OnnxImporter.Import(truncated, "cut.onnx"); }
            catch (ConversionException e) { Assert.Contains("cut.onnx", e.Message); }
        }
        for (int trial = 0; trial < 200; trial++)
        {
            var corrupted = (byte[])bytes.Clone();
            for (int k = 0; k < 4; k++) corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
            try { OnnxImporter.Import(corrupted, "bad.onnx"); }
            catch (ConversionException e) { Assert.Contains("bad.onnx", e.Message); }
        }
        var garbage = Assert.Throws<ConversionException>(() => OnnxImporter.Import([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "junk.onnx"));
        Assert.Contains("junk.onnx", garbage.Message);
        Assert.Contains("protobuf", garbage.Message);
    }

    [Fact]
    public void Missing_file_is_a_conversion_error()
    {
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.ImportFile("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }

    [Fact]
    public void External_data_is_refused_with_a_clear_message()
    {
        var model = ConvRelu();
        var w = model.Graph.Initializer[0];
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model.ToByteArray(), "ext.onnx"));
        Assert.Contains("external", e.Message);
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void Initializer_with_wrong_data_length_is_refused()
    {
        var model = ConvRelu();
        model.Graph.Initializer[1].FloatData.Add(3f);
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model.ToByteArray(), "len.onnx"));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void A_node_reading_an_undefined_value_is_refused()
    {
        var model = ConvRelu();
        model.Graph.Node[1].Input[0] = "nowhere";
        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model.ToByteArray(), "m.onnx"));
        Assert.Contains("'nowhere'", e.Message);
    }

    [Fact]
    public void Every_supported_operator_has_an_executor_kernel()
    {
        foreach (var op in SupportedOperators.Network.Concat(SupportedOperators.ShapeArithmetic))
            Assert.True(FloatExecutor.CanRun(op), op);
    }
}
