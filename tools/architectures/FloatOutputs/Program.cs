using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Model;

// EdgeCnn.FloatOutputs MODEL.onnx FOLDER COUNT OUT_PREFIX: the first COUNT images of FOLDER, preprocessed
// as `edgecnn convert --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225` does (224 x 224, RGB), run
// through the float executor after the converter's passes. Writes OUT_PREFIX.input.f32 (the NCHW
// inputs) and OUT_PREFIX.output.f32 (the first output), little-endian float32, one image after another.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: EdgeCnn.FloatOutputs MODEL.onnx FOLDER COUNT OUT_PREFIX");
    return 2;
}
try
{
    var graph = OnnxImporter.ImportFile(args[0]);
    string input = graph.Inputs[0], output = graph.Outputs[0];
    StandardPasses.Run(graph, new Dictionary<string, int[]> { [input] = [1, 3, 224, 224] });
    var source = ImageFolder.Open(args[1], requireLabels: false);
    int count = Math.Min(int.Parse(args[2]), source.Count);
    var inputs = new ModelInputBuilder(new Preprocessing
    {
        Width = 224, Height = 224, Channels = 3,
        Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
    }, [1, 224, 224, 3]);
    var executor = new FloatExecutor(graph);
    using var inFile = File.Create(args[3] + ".input.f32");
    using var outFile = File.Create(args[3] + ".output.f32");
    for (int i = 0; i < count; i++)
    {
        var x = inputs.Nchw(source.LoadImage(i));
        var y = executor.Run(new Dictionary<string, Tensor> { [input] = x })[output];
        inFile.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsFloats().AsSpan()));
        outFile.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsFloats().AsSpan()));
    }
    Console.WriteLine($"{count} images");
    return 0;
}
catch (ConversionException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
