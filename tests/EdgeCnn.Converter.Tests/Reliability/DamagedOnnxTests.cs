using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Onnx.Proto;
using Google.Protobuf;

namespace EdgeCnn.Converter.Tests.Reliability;

/// <summary>Damaged ONNX files the fuzzer produced: a ConversionException naming the node, not a NullReferenceException.</summary>
public class DamagedOnnxTests
{
    [Fact]
    public void ATensorAttributeWithoutItsTensorNamesTheNode()
    {
        var graph = new GraphProto { Name = "g" };
        var node = new NodeProto { OpType = "Constant", Name = "broken_constant", Output = { "c" } };
        // Type says TENSOR, the t field is absent (protobuf leaves it null).
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor });
        graph.Node.Add(node);
        graph.Output.Add(new ValueInfoProto { Name = "c", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });

        var e = Assert.Throws<ConversionException>(() => OnnxImporter.Import(model.ToByteArray(), "damaged.onnx"));
        Assert.Contains("broken_constant", e.Message);
        Assert.Contains("tensor is missing", e.Message);
    }
}

/// <summary>Fuzz finding (onnx seed 2 #87821): a Resize scale of 131072 in a 1 KB file asked for a 537 MB activation.</summary>
public class OversizedActivationTests
{
    [Fact]
    public void AResizeWhoseOutputExceedsTheActivationLimitIsRefusedNamingTheNode()
    {
        string path = Path.Combine(Cli.RepoFiles.Root, "tests", "EdgeCnn.Converter.Tests", "Reliability", "Data", "resize-huge-scale.onnx");
        var graph = OnnxImporter.ImportFile(path);
        var e = Assert.Throws<ConversionException>(() => Passes.StandardPasses.Run(graph, null));
        Assert.Contains("resize", e.Message);
        Assert.Contains("limit", e.Message);
    }
}
