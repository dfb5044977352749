using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Lowering;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Quantization;

/// <summary>What to convert and how: the options of <c>edgecnn convert</c> for an ONNX model.</summary>
public sealed record OnnxConversionOptions
{
    public required ILabeledImageSource? Calibration { get; init; }
    public int CalibrationCount { get; init; } = 200;
    public CalibrationOptions Method { get; init; } = new();
    /// <summary>Fixes a dynamic input's spatial size (and a dynamic batch to 1).</summary>
    public (int Width, int Height)? InputSize { get; init; }
    public float[] Mean { get; init; } = [0f];
    public float[] Std { get; init; } = [1f];
    public ChannelOrder ChannelOrder { get; init; } = ChannelOrder.Rgb;
    public float CropFraction { get; init; } = 1f;
    public string[] Labels { get; init; } = [];
    public string Name { get; init; } = "";
    /// <summary>How many calibration inputs the float-vs-int8 report runs (0 = no report).</summary>
    public int ReportCount { get; init; } = 100;
}

/// <summary>The converted model and what was learned on the way.</summary>
public sealed class OnnxConversionResult
{
    public required EcnnModel Model { get; init; }
    public required ModelGraph Graph { get; init; }
    public required PassSummary Passes { get; init; }
    public required CalibrationResult Calibration { get; init; }
    public QuantizationReport? Report { get; init; }
}

/// <summary>
/// ONNX -> .ecnn: import, passes, calibration on real images through the float executor, NHWC int8
/// lowering, then the per-layer float-vs-int8 report on the calibration inputs.
/// </summary>
public static class OnnxConversion
{
    /// <summary>Below this output SQNR against the float model the int8 model is refused.</summary>
    public const double MinimumOutputSqnrDb = 10;

    /// <summary>Calibration images the float-vs-int8 check runs even when no report is asked for.</summary>
    public const int MinimumCheckCount = 4;

    /// <param name="progress">(stage, done, total): "calibrating" and "report" call it after every sample.</param>
    public static OnnxConversionResult Convert(string onnxPath, OnnxConversionOptions options, Action<string, int, int>? progress = null)
    {
        var graph = OnnxImporter.ImportFile(onnxPath);
        return Convert(graph, Path.GetFileNameWithoutExtension(onnxPath), options, progress);
    }

    public static OnnxConversionResult Convert(ModelGraph graph, string sourceName, OnnxConversionOptions options, Action<string, int, int>? progress = null)
    {
        if (graph.Inputs.Count != 1)
            throw new ConversionException($"{sourceName}: the model has {graph.Inputs.Count} inputs; only single-image-input models are supported");
        if (graph.Outputs.Count == 0)
            throw new ConversionException($"{sourceName}: the graph '{graph.Name}' declares no outputs; a model needs at least one");
        string inputName = graph.Inputs[0];
        var nchw = StaticInputShape(graph.GetValue(inputName), options);
        var passes = StandardPasses.Run(graph, new Dictionary<string, int[]> { [inputName] = nchw });

        if (options.Calibration is null)
            throw new ConversionException("calibration data is required: give --calibration FOLDER or --calibration fashion-mnist[:DIR]");
        if (options.Calibration.Count == 0)
            throw new ConversionException($"calibration data '{options.Calibration.Name}' holds no images");
        int[] nhwc = [nchw[0], nchw[2], nchw[3], nchw[1]];
        var preprocessing = new Preprocessing
        {
            Width = nhwc[2], Height = nhwc[1], Channels = nhwc[3],
            Mean = Expand(options.Mean, nhwc[3], "--mean"), Std = Expand(options.Std, nhwc[3], "--std"),
            ChannelOrder = options.ChannelOrder, CropFraction = options.CropFraction,
        };
        foreach (var s in preprocessing.Std)
            if (!(s != 0f) || !float.IsFinite(s)) throw new ConversionException($"--std values must be finite and non-zero, got {s}");
        var inputs = new ModelInputBuilder(preprocessing, nhwc);
        var source = options.Calibration;
        int count = Math.Min(Math.Max(1, options.CalibrationCount), source.Count);

        var calibration = Calibrator.Run(graph, count, i => inputs.Nchw(source.LoadImage(i)), options.Method,
            done => progress?.Invoke("calibrating", done, count));

        if (options.Labels.Length > 0)
        {
            var outShape = graph.GetValue(graph.Outputs[0]).Shape;
            if (outShape is { Length: > 0 } && outShape[^1] > 0 && options.Labels.Length != outShape[^1])
                throw new ConversionException($"the label file has {options.Labels.Length} labels, the model has {outShape[^1]} outputs");
        }
        var lowering = Int8Lowering.Lower(graph, calibration, new LoweringOptions
        {
            Name = options.Name.Length > 0 ? options.Name : sourceName,
            Preprocessing = preprocessing,
            Labels = options.Labels,
            Properties = new Dictionary<string, string>
            {
                ["source"] = sourceName,
                ["calibration"] = $"{options.Method.Method.Name()} on {count} images of {source.Name}",
            },
        });

        RunnableModelCheck.Require(lowering.Model, sourceName);

        // The float-vs-int8 comparison always runs on a few images, even without a report: it is what
        // stops a model whose int8 output is noise from being written.
        int reportCount = Math.Min(Math.Max(options.ReportCount, MinimumCheckCount), count);
        var report = QuantizationReport.Build(graph, lowering, reportCount,
            i => inputs.Nchw(source.LoadImage(i)), i => inputs.Nhwc(source.LoadImage(i)),
            options.Method.Threads, done => progress?.Invoke("report", done, reportCount));
        report.RequireUsableOutput(MinimumOutputSqnrDb);
        return new OnnxConversionResult
        {
            Model = lowering.Model, Graph = graph, Passes = passes, Calibration = calibration,
            Report = options.ReportCount > 0 ? report : null,
        };
    }

    /// <summary>The input's NCHW shape with the batch fixed to 1 and a dynamic H x W taken from --input-size.</summary>
    public static int[] StaticInputShape(GraphValue input, OnnxConversionOptions options)
    {
        var shape = input.Shape;
        string shown = shape is null ? "unknown" : "[" + string.Join(",", shape.Select(d => d < 0 ? "?" : d.ToString())) + "]";
        if (shape is not null && shape.Length != 4)
            throw new ConversionException($"input '{input.Name}' has shape {shown}; image models take [N, C, H, W]");
        int channels = shape is null || shape[1] < 0 ? 3 : shape[1];
        int height = shape?[2] ?? -1, width = shape?[3] ?? -1;
        if (options.InputSize is { } size)
        {
            if ((height >= 0 && height != size.Height) || (width >= 0 && width != size.Width))
                throw new ConversionException($"--input-size {size.Width}x{size.Height} contradicts the input '{input.Name}' of shape {shown}");
            (width, height) = size;
        }
        if (height < 0 || width < 0)
            throw new ConversionException($"input '{input.Name}' has a dynamic shape {shown}; give --input-size WxH");
        if (channels is not (1 or 3))
            throw new ConversionException($"input '{input.Name}' has {channels} channels; image models take 1 (grayscale) or 3");
        return [1, channels, height, width];
    }

    private static float[] Expand(float[] values, int channels, string option)
    {
        if (values.Length == channels) return values;
        if (values.Length == 1) return Enumerable.Repeat(values[0], channels).ToArray();
        throw new ConversionException($"{option} has {values.Length} values; the model input has {channels} channels");
    }
}
