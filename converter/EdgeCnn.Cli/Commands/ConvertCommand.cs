using System.CommandLine;
using System.Text.Json;
using EdgeCnn.Cli.Output;
using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tflite;
using EdgeCnn.Format;

namespace EdgeCnn.Cli.Commands;

/// <summary>
/// edgecnn convert MODEL.onnx|MODEL.tflite -o OUT.ecnn: ONNX models are calibrated on images and
/// quantized (with a per-layer float-vs-int8 report), and so are float TFLite models (imported into the
/// same graph); quantized TFLite models keep their own scales.
/// </summary>
public static class ConvertCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = "ONNX (.onnx) or TFLite (.tflite; float models are calibrated like ONNX) model" };
        var output = new Option<string>("--output", "-o") { Description = "The .ecnn file to write", Required = true };
        var calibration = new Option<string?>("--calibration") { Description = "Calibration images: FOLDER or fashion-mnist[:DIR] (ONNX and float TFLite)" };
        var count = new Option<int>("--calibration-count") { Description = "How many calibration images to use", DefaultValueFactory = _ => 200 };
        var method = new Option<string>("--method") { Description = "Range selection: minmax, percentile, kl or mse", DefaultValueFactory = _ => "minmax" };
        method.AcceptOnlyFromAmong(CalibrationMethods.Names);
        var percentile = new Option<double>("--percentile") { Description = "Percent of values kept by --method percentile", DefaultValueFactory = _ => 99.99 };
        var inputSize = new Option<string?>("--input-size") { Description = "WxH for models whose input size is dynamic" };
        var mean = new Option<string?>("--mean") { Description = "Per-channel mean subtracted after scaling pixels to [0,1] (a or a,b,c; default 0)" };
        var std = new Option<string?>("--std") { Description = "Per-channel std divided by after the mean (a or a,b,c; default 1)" };
        var order = new Option<string?>("--channel-order") { Description = "rgb (default) or bgr" };
        var crop = new Option<float>("--crop") { Description = "Center-crop fraction of the shorter side before resizing (1 = whole image)", DefaultValueFactory = _ => 1f };
        var labels = new Option<string?>("--labels") { Description = "Label file, one class name per line, in output order" };
        var report = new Option<string?>("--report") { Description = "Also write the per-layer report as JSON to this file" };
        var reportCount = new Option<int>("--report-count") { Description = "Calibration images the float-vs-int8 report runs (0 = none)", DefaultValueFactory = _ => 100 };
        var name = new Option<string?>("--name") { Description = "Model name stored in the metadata (default: the file name)" };

        var command = new Command("convert", "Convert an ONNX or TFLite model to an int8 .ecnn file")
        {
            model, output, calibration, count, method, percentile, inputSize, mean, std, order, crop, labels, report, reportCount, name,
        };
        command.SetAction(parse => console.Guard(() =>
        {
            string modelPath = parse.GetValue(model)!;
            string outPath = parse.GetValue(output)!;
            OptionValues.RequireFile(modelPath, "model");
            string? labelsPath = parse.GetValue(labels);
            string? reportPath = parse.GetValue(report);
            // Before any work (calibration can take minutes): the outputs must be writable and must not be inputs.
            OutputFile.Prepare(outPath, "--output", modelPath, labelsPath);
            if (!string.IsNullOrEmpty(reportPath))
            {
                OutputFile.Prepare(reportPath, "--report", modelPath, labelsPath, outPath);
                if (Path.GetFullPath(reportPath) == Path.GetFullPath(outPath))
                    throw new UserInputException($"--report '{reportPath}' and --output name the same file");
            }
            string ext = Path.GetExtension(modelPath).ToLowerInvariant();
            var labelNames = OptionValues.Labels(labelsPath);
            Converter.Graph.ModelGraph? floatTflite = null;
            if (ext == ".tflite")
            {
                var bytes = File.ReadAllBytes(modelPath);
                // A float TFLite model has no scales: it takes the ONNX path (passes, calibration, lowering).
                if (TfliteFloatImport.IsFloatModel(bytes, modelPath))
                {
                    floatTflite = TfliteFloatImport.ImportGraph(bytes, modelPath);
                }
                else
                {
                    var imported = TfliteImporter.Import(bytes, modelPath,
                        parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(modelPath), labelNames.Length > 0 ? labelNames : null);
                    return WriteModel(console, imported, outPath);
                }
            }
            else if (ext != ".onnx") throw new UserInputException($"model '{modelPath}' is neither .onnx nor .tflite");

            int n = parse.GetValue(count);
            if (n < 1) throw new UserInputException($"--calibration-count must be at least 1, got {n}");
            double p = parse.GetValue(percentile);
            if (!(p > 0 && p <= 100)) throw new UserInputException($"--percentile must be in (0, 100], got {p}");
            float cropFraction = parse.GetValue(crop);
            if (!(cropFraction > 0 && cropFraction <= 1)) throw new UserInputException($"--crop must be in (0, 1], got {cropFraction}");
            string? calibrationSpec = parse.GetValue(calibration);
            if (string.IsNullOrEmpty(calibrationSpec))
                throw new UserInputException("calibration data is required for ONNX and float TFLite models: give --calibration FOLDER or --calibration fashion-mnist[:DIR]");
            // Calibrate on training images; evaluation uses the test split.
            var source = DatasetSpec.Open(calibrationSpec, requireLabels: false, fashionMnistSplit: "train", limit: n);
            var options = new OnnxConversionOptions
            {
                Calibration = source,
                CalibrationCount = n,
                Method = new CalibrationOptions { Method = CalibrationMethods.Parse(parse.GetValue(method)!), Percentile = p },
                InputSize = OptionValues.Size(parse.GetValue(inputSize), "--input-size"),
                Mean = OptionValues.Floats(parse.GetValue(mean), "--mean") ?? [0f],
                Std = OptionValues.Floats(parse.GetValue(std), "--std") ?? [1f],
                ChannelOrder = OptionValues.Order(parse.GetValue(order)),
                CropFraction = cropFraction,
                Labels = labelNames,
                Name = parse.GetValue(name) ?? "",
                ReportCount = Math.Max(0, parse.GetValue(reportCount)),
            };
            var progress = new ProgressBar(console.Error);
            OnnxConversionResult result;
            try
            {
                result = floatTflite is null
                    ? OnnxConversion.Convert(modelPath, options, progress.Report)
                    : OnnxConversion.Convert(floatTflite, Path.GetFileNameWithoutExtension(modelPath), options, progress.Report);
            }
            finally { progress.Finish(); }

            console.Out.WriteLine($"{Path.GetFileName(modelPath)}: {result.Passes}");
            console.Out.WriteLine($"calibration: {options.Method.Method.Name()} on {result.Calibration.SampleCount} images of {source.Name}");
            if (result.Report is { } r)
            {
                WriteReportTable(console.Out, r);
                if (!string.IsNullOrEmpty(reportPath)) OutputFile.WriteText(reportPath, ReportJson(r, modelPath, outPath, options, result.Calibration.SampleCount));
            }
            return WriteModel(console, result.Model, outPath);
        }));
        return command;
    }

    private static int WriteModel(CliConsole console, Model.EcnnModel model, string outPath)
    {
        byte[] bytes;
        try
        {
            bytes = EcnnWriter.Write(model);
        }
        catch (ArgumentException e)
        {
            // The importers and the lowering validate what they return; reaching this is a converter bug,
            // still reported as a conversion failure that names the layer, and nothing is written.
            throw new ConversionException($"the converted model cannot be written: {e.Message}", e);
        }
        OutputFile.WriteBytes(outPath, bytes);
        console.Out.WriteLine($"wrote {outPath}: {model.Operators.Count} operators, {bytes.Length} bytes");
        return CliApp.Success;
    }

    public static void WriteReportTable(TextWriter w, QuantizationReport r)
    {
        var table = new TextTable("layer", "op", "output", "shape", "SQNR dB");
        foreach (var l in r.Layers)
            table.Add(l.Name, l.Op, l.Tensor, "[" + string.Join(",", l.Shape) + "]", OptionValues.Number(l.SqnrDb, "0.0"));
        table.Write(w);
        w.WriteLine($"float vs int8 on {r.Samples} calibration images: top-1 agreement {OptionValues.Number(100 * r.Top1Agreement, "0.0")}%, output SQNR {OptionValues.Number(r.OutputSqnrDb, "0.0")} dB");
    }

    private static string ReportJson(QuantizationReport r, string modelPath, string outPath, OnnxConversionOptions options, int calibrated) =>
        Json.Write(j =>
        {
            j.WriteStartObject();
            j.WriteString("model", modelPath);
            j.WriteString("output", outPath);
            j.WriteString("method", options.Method.Method.Name());
            j.WriteNumber("calibration_images", calibrated);
            j.WriteNumber("samples", r.Samples);
            j.Number("top1_agreement", r.Top1Agreement);
            j.Number("output_sqnr_db", r.OutputSqnrDb);
            j.WriteStartArray("layers");
            foreach (var l in r.Layers)
            {
                j.WriteStartObject();
                j.WriteString("name", l.Name);
                j.WriteString("op", l.Op);
                j.WriteString("tensor", l.Tensor);
                j.Ints("shape", l.Shape);
                j.Number("sqnr_db", l.SqnrDb);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        });
}
