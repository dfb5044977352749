using EdgeCnn.Cli;

namespace EdgeCnn.Converter.Tests.Cli;

/// <summary>
/// A user's mistakes: each ends with one "edgecnn: ..." line on stderr naming the problem and a
/// non-zero exit code, never a stack trace.
/// </summary>
public class BadInputTests(ConvertedFashionMnist fixture) : IClassFixture<ConvertedFashionMnist>
{
    private string Temp(string name, byte[] content)
    {
        string path = Path.Combine(fixture.Folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Out => Path.Combine(fixture.Folder, "out.ecnn");

    [Fact]
    public void NoCommand_IsAUsageError()
    {
        Cli.Run().AssertOneLineError(CliApp.UsageError);
        Cli.Run("frobnicate").AssertOneLineError(CliApp.UsageError);
    }

    [Fact]
    public void Convert_MissingOutputOption_IsAUsageError()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx")).AssertOneLineError(CliApp.UsageError);
        Assert.Contains("--output", line);
    }

    [Fact]
    public void Convert_UnknownMethod_IsAUsageError()
    {
        Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx"), "-o", Out, "--method", "magic").AssertOneLineError(CliApp.UsageError);
    }

    [Fact]
    public void Convert_MissingModelFile()
    {
        string line = Cli.Run("convert", Path.Combine(fixture.Folder, "nope.onnx"), "-o", Out).AssertOneLineError();
        Assert.Contains("does not exist", line);
    }

    [Fact]
    public void Convert_MalformedProtobuf()
    {
        string path = Temp("garbage.onnx", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3]);
        string line = Cli.Run("convert", path, "-o", Out, "--calibration", fixture.Images).AssertOneLineError();
        Assert.Contains("garbage.onnx", line);
    }

    [Fact]
    public void Convert_UnsupportedOperator_NamesOpAndNode()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_unsupported.onnx"), "-o", Out, "--calibration", fixture.Images).AssertOneLineError();
        Assert.Contains("Det", line);
        Assert.Contains("the_det", line);
    }

    [Fact]
    public void Convert_ModelWithSeveralUnsupportedOperators_ListsEveryOneInOneRun()
    {
        var graph = new EdgeCnn.Converter.Onnx.Proto.GraphProto { Name = "several" };
        graph.Input.Add(FloatInput("x", 1, 3, 8, 8));
        graph.Output.Add(FloatInput("z", 1, 3, 8, 8));
        graph.Node.Add(new EdgeCnn.Converter.Onnx.Proto.NodeProto { OpType = "Relu", Name = "first_relu", Input = { "x" }, Output = { "a" } });
        graph.Node.Add(new EdgeCnn.Converter.Onnx.Proto.NodeProto { OpType = "Det", Name = "first_det", Input = { "a" }, Output = { "b" } });
        graph.Node.Add(new EdgeCnn.Converter.Onnx.Proto.NodeProto { OpType = "Hardmax", Name = "first_hardmax", Input = { "b" }, Output = { "c" } });
        graph.Node.Add(new EdgeCnn.Converter.Onnx.Proto.NodeProto { OpType = "Det", Name = "second_det", Input = { "c" }, Output = { "z" } });
        var model = new EdgeCnn.Converter.Onnx.Proto.ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new EdgeCnn.Converter.Onnx.Proto.OperatorSetIdProto { Domain = "", Version = 13 });
        string path = Temp("several_unsupported.onnx", Google.Protobuf.MessageExtensions.ToByteArray(model));
        string line = Cli.Run("convert", path, "-o", Out, "--calibration", fixture.Images).AssertOneLineError();
        Assert.Contains("2 unsupported operators", line);
        Assert.Contains("'Det' (first in node 'first_det', 2 nodes)", line);
        Assert.Contains("'Hardmax' (first in node 'first_hardmax', 1 node)", line);
    }

    private static EdgeCnn.Converter.Onnx.Proto.ValueInfoProto FloatInput(string name, params long[] dims)
    {
        var shape = new EdgeCnn.Converter.Onnx.Proto.TensorShapeProto();
        foreach (long d in dims) shape.Dim.Add(new EdgeCnn.Converter.Onnx.Proto.TensorShapeProto.Types.Dimension { DimValue = d });
        return new EdgeCnn.Converter.Onnx.Proto.ValueInfoProto
        {
            Name = name,
            Type = new EdgeCnn.Converter.Onnx.Proto.TypeProto { TensorType = new EdgeCnn.Converter.Onnx.Proto.TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }

    [FashionMnistFact]
    public void Convert_OperatorWithoutInt8Lowering_NamesOpAndNode()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx"), "-o", Out, "--calibration", "fashion-mnist",
            "--calibration-count", "2").AssertOneLineError();
        Assert.Contains("LRN", line);
        Assert.Contains("the_lrn", line);
    }

    [Fact]
    public void Convert_DynamicInputWithoutInputSize()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_dynamic.onnx"), "-o", Out, "--calibration", fixture.Images).AssertOneLineError();
        Assert.Contains("--input-size", line);
    }

    [FashionMnistFact]
    public void Convert_DynamicInputWithInputSize_Works()
    {
        var r = Cli.Run("convert", RepoFiles.TestData("tiny_dynamic.onnx"), "-o", Out, "--calibration", "fashion-mnist",
            "--calibration-count", "3", "--input-size", "16x12", "--report-count", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        using var model = EdgeModel.Load(Out);
        Assert.Equal([1, 12, 16, 1], model.Definition.Metadata.InputShape);
    }

    [Fact]
    public void Convert_BadInputSizeValue()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_dynamic.onnx"), "-o", Out, "--calibration", fixture.Images,
            "--input-size", "big").AssertOneLineError();
        Assert.Contains("WxH", line);
    }

    [Fact]
    public void Convert_MissingCalibrationData()
    {
        string line = Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx"), "-o", Out).AssertOneLineError();
        Assert.Contains("--calibration", line);
        line = Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx"), "-o", Out, "--calibration", Path.Combine(fixture.Folder, "none")).AssertOneLineError();
        Assert.Contains("none", line);
        line = Cli.Run("convert", RepoFiles.TestData("tiny_lrn.onnx"), "-o", Out, "--calibration", "fashion-mnist:" + fixture.Folder).AssertOneLineError();
        Assert.Contains("Fashion-MNIST", line);
    }

    [Fact]
    public void Convert_WrongModelKind()
    {
        string path = Temp("model.txt", "hello"u8.ToArray());
        string line = Cli.Run("convert", path, "-o", Out).AssertOneLineError();
        Assert.Contains(".onnx", line);
    }

    [Fact]
    public void Inspect_CorruptEcnn()
    {
        string path = Temp("corrupt.ecnn", [.. "ECNN"u8.ToArray(), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        string line = Cli.Run("inspect", path).AssertOneLineError();
        Assert.Contains("corrupt.ecnn", line);
    }

    [FashionMnistFact]
    public void Classify_UnreadableImage_IsReportedAndTheOthersStillRun()
    {
        string bad = Temp("broken.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0]);
        var r = Cli.Run("classify", fixture.Model, bad, Path.Combine(fixture.Images, "item0.pgm"), "--format", "tsv");
        string line = r.AssertOneLineError();
        Assert.Contains("broken.png", line);
        Assert.Contains("item0.pgm", r.Out);
    }

    [FashionMnistFact]
    public void Classify_MissingImage_And_OnnxInsteadOfEcnn()
    {
        Assert.Contains("does not exist", Cli.Run("classify", fixture.Model, Path.Combine(fixture.Folder, "nope.png")).AssertOneLineError());
        Assert.Contains("convert", Cli.Run("classify", RepoFiles.FashionMnistOnnx, Path.Combine(fixture.Images, "item0.pgm")).AssertOneLineError());
    }

    [FashionMnistFact]
    public void Eval_FolderWithoutLabels()
    {
        string folder = Path.Combine(fixture.Folder, "unlabeled");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(fixture.Images, "item0.pgm"), Path.Combine(folder, "a.pgm"), overwrite: true);
        Assert.Contains("labels.tsv", Cli.Run("eval", fixture.Model, "--dataset", folder).AssertOneLineError());
    }

    [FashionMnistFact]
    public void Bench_BadRunCount()
    {
        Assert.Contains("--runs", Cli.Run("bench", fixture.Model, "--runs", "0").AssertOneLineError());
    }
}
