using System.CommandLine;
using EdgeCnn.Cli.Output;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tflite;
using EdgeCnn.Model;

namespace EdgeCnn.Cli.Commands;

/// <summary>
/// edgecnn eval MODEL(.ecnn|.onnx) --dataset fashion-mnist[:DIR] | FOLDER [--label-offset K]: top-1 and
/// top-5 accuracy. .ecnn models run int8 through the runtime; .onnx models run in float through the
/// reference executor (with the preprocessing options given here).
/// </summary>
public static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = ".ecnn, .onnx or float .tflite model" };
        var dataset = new Option<string>("--dataset") { Description = "fashion-mnist[:DIR] (the test split) or a FOLDER with labels.tsv", Required = true };
        var offset = new Option<int>("--label-offset") { Description = "Model output index = data set label + K (e.g. 1 when index 0 is 'background')" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N images" };
        var mean = new Option<string?>("--mean") { Description = "ONNX models: per-channel mean (default 0)" };
        var std = new Option<string?>("--std") { Description = "ONNX models: per-channel std (default 1)" };
        var order = new Option<string?>("--channel-order") { Description = "ONNX models: rgb or bgr" };
        var inputSize = new Option<string?>("--input-size") { Description = "ONNX models: WxH when the input size is dynamic" };
        var command = new Command("eval", "Measure top-1 / top-5 accuracy on a labeled data set") { model, dataset, offset, format, limit, mean, std, order, inputSize };
        command.SetAction(parse => console.Guard(() =>
        {
            string path = parse.GetValue(model)!;
            OptionValues.RequireFile(path, "model");
            int? n = parse.GetValue(limit);
            if (n is < 1) throw new UserInputException($"--limit must be at least 1, got {n}");
            string datasetSpec = parse.GetValue(dataset)!;
            var data = DatasetSpec.Open(datasetSpec, requireLabels: true, fashionMnistSplit: "t10k", limit: n);
            int count = Math.Min(data.Count, n ?? int.MaxValue);
            int labelOffset = parse.GetValue(offset);
            FitCheck fit = (input, classes) =>
                DatasetFit.Require(path, input, classes, data, DatasetSpec.IsFashionMnist(datasetSpec), labelOffset, count);
            Func<int, float[]> scores = Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".ecnn" => EcnnScorer(path, data, fit),
                ".onnx" or ".tflite" => OnnxScorer(FloatGraph(path), path, data, fit, new OnnxConversionOptions
                {
                    Calibration = null,
                    InputSize = OptionValues.Size(parse.GetValue(inputSize), "--input-size"),
                    Mean = OptionValues.Floats(parse.GetValue(mean), "--mean") ?? [0f],
                    Std = OptionValues.Floats(parse.GetValue(std), "--std") ?? [1f],
                    ChannelOrder = OptionValues.Order(parse.GetValue(order)),
                }),
                _ => throw new UserInputException($"model '{path}' is neither .ecnn, .onnx nor a float .tflite"),
            };
            var (top1, top5) = Accuracy(count, scores, i => data.Label(i) + labelOffset);
            if (parse.GetValue(format) == "json")
                console.Out.WriteLine(Json.Write(j =>
                {
                    j.WriteStartObject();
                    j.WriteNumber("count", count);
                    j.Number("top1", top1);
                    j.Number("top5", top5);
                    j.WriteEndObject();
                }, indented: false));
            else
                console.Out.WriteLine($"{data.Name}: {count} images, top-1 {OptionValues.Number(top1, "0.0000")}, top-5 {OptionValues.Number(top5, "0.0000")}");
            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>
    /// Top-1 and top-5 accuracy: the expected index among the first one / five classes ranked the way the
    /// session's TopK ranks them (higher score first, equal int8 scores by lower index).
    /// </summary>
    public static (double Top1, double Top5) Accuracy(int count, Func<int, float[]> scores, Func<int, int> expected)
    {
        int hit1 = 0, hit5 = 0;
        for (int i = 0; i < count; i++)
        {
            var s = scores(i);
            int want = expected(i);
            if (want < 0 || want >= s.Length)
                throw new UserInputException($"image {i} has label {want}, outside the model's {s.Length} outputs (see --label-offset)");
            int higher = 0;
            for (int c = 0; c < s.Length; c++) if (s[c] > s[want] || (s[c] == s[want] && c < want)) higher++;
            if (higher == 0) hit1++;
            if (higher < 5) hit5++;
        }
        return count == 0 ? (double.NaN, double.NaN) : ((double)hit1 / count, (double)hit5 / count);
    }

    private delegate void FitCheck(ReadOnlySpan<int> inputNhwc, int classes);

    private static Func<int, float[]> EcnnScorer(string path, ILabeledImageSource data, FitCheck fit)
    {
        var runner = new ImageRunner(path);
        RequireOnePixel(path, runner.Session.GetOutputShape(0), channelsLast: true);
        fit(runner.Session.InputShape, runner.Session.GetOutputShape(0)[^1]);
        return i => runner.Run(data.LoadImage(i)).ToArray();
    }

    /// <summary>
    /// Accuracy against one label per image needs one score vector per image. Both scorers give scores
    /// in the int8 session's layout (channels last), but a feature map (per-pixel scores, e.g.
    /// segmentation) has no single class to compare with an image label: refuse it clearly.
    /// </summary>
    private static void RequireOnePixel(string path, int[]? shape, bool channelsLast)
    {
        if (shape is null || shape.Length < 3) return;
        long pixels = 1;
        var spatial = channelsLast ? shape[1..^1] : shape[2..];
        foreach (var d in spatial) pixels *= Math.Max(d, 1);
        if (pixels > 1)
            throw new UserInputException(
                $"{path}: the output of shape {string.Join("x", shape)} holds scores per pixel ({pixels} pixels); eval measures one class per image. " +
                "For float-vs-int8 agreement per pixel see the report of 'edgecnn convert'");
    }

    /// <summary>The float graph of an ONNX model or a float TFLite model (both run in the float executor).</summary>
    private static ModelGraph FloatGraph(string path)
    {
        if (Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)) return OnnxImporter.ImportFile(path);
        var bytes = File.ReadAllBytes(path);
        if (!TfliteFloatImport.IsFloatModel(bytes, path))
            throw new UserInputException($"{path} is a quantized TFLite model; convert it (edgecnn convert) and eval the .ecnn");
        return TfliteFloatImport.ImportGraph(bytes, path);
    }

    private static Func<int, float[]> OnnxScorer(ModelGraph graph, string path, ILabeledImageSource data, FitCheck fit, OnnxConversionOptions options)
    {
        if (graph.Inputs.Count != 1) throw new UserInputException($"{path}: the model has {graph.Inputs.Count} inputs; eval takes single-image models");
        var nchw = OnnxConversion.StaticInputShape(graph.GetValue(graph.Inputs[0]), options);
        StandardPasses.Run(graph, new Dictionary<string, int[]> { [graph.Inputs[0]] = nchw });
        int channels = nchw[1];
        var preprocessing = new Preprocessing
        {
            Width = nchw[3], Height = nchw[2], Channels = channels,
            Mean = options.Mean.Length == channels ? options.Mean : Enumerable.Repeat(options.Mean[0], channels).ToArray(),
            Std = options.Std.Length == channels ? options.Std : Enumerable.Repeat(options.Std[0], channels).ToArray(),
            ChannelOrder = options.ChannelOrder,
        };
        var inputs = new ModelInputBuilder(preprocessing, [nchw[0], nchw[2], nchw[3], nchw[1]]);
        if (graph.Outputs.Count == 0) throw new UserInputException($"{path}: the model declares no outputs");
        string input = graph.Inputs[0], output = graph.Outputs[0];
        var outShape = graph.GetValue(output).Shape;
        RequireOnePixel(path, outShape, channelsLast: false);
        // Channels are axis 1 in ONNX's layout ([N, C] or [N, C, 1, 1] once RequireOnePixel has passed).
        if (outShape is { Length: >= 2 } && outShape[1] > 0)
            fit([nchw[0], nchw[2], nchw[3], nchw[1]], outShape[1]);
        var executor = new FloatExecutor(graph);
        // The same layout as an .ecnn model's scores (NCHW feature maps would come out channel-major).
        return i => OutputAgreement.InSessionLayout(executor.Run(new Dictionary<string, Tensor> { [input] = inputs.Nchw(data.LoadImage(i)) })[output]);
    }
}
