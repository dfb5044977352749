using System.CommandLine;
using System.Globalization;
using EdgeCnn.Cli.Output;

namespace EdgeCnn.Cli.Commands;

/// <summary>edgecnn classify MODEL.ecnn IMAGE|FOLDER... [--top K] [--format text|tsv|json].</summary>
public static class ClassifyCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = ".ecnn model" };
        var images = new Argument<string[]>("IMAGE") { Description = "Image files or folders of images", Arity = ArgumentArity.OneOrMore };
        var top = new Option<int>("--top") { Description = "How many classes to show per image", DefaultValueFactory = _ => 5 };
        var format = new Option<string>("--format") { Description = "text, tsv (file, index, label, score of the top-1) or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "tsv", "json");
        var threads = new Option<int>("--threads") { Description = "Threads per inference", DefaultValueFactory = _ => 1 };
        var command = new Command("classify", "Classify images with an .ecnn model") { model, images, top, format, threads };
        command.SetAction(parse => console.Guard(() =>
        {
            int k = parse.GetValue(top);
            if (k < 1) throw new UserInputException($"--top must be at least 1, got {k}");
            string fmt = parse.GetValue(format)!;
            int threadCount = OptionValues.Threads(parse.GetValue(threads));
            using var runner = new ImageRunner(parse.GetValue(model)!, threadCount);
            // Top-k is defined over one vector of class scores; a segmentation map or a feature tensor is not one.
            var outputShape = runner.Session.GetOutputShape(0);
            if (outputShape.Length == 0 || outputShape[..^1].Any(d => d != 1))
                throw new UserInputException(
                    $"{parse.GetValue(model)}: output 0 has shape [{string.Join(",", outputShape)}], not one vector of class scores: classify takes classification models (embed prints any output)");
            var files = ImageRunner.ExpandImages(parse.GetValue(images)!);
            var results = new List<(string File, IReadOnlyList<Prediction> Top)>();
            int failures = 0;
            foreach (var file in files)
            {
                EdgeCnn.Imaging.Image image;
                try { image = ImageRunner.Load(file); }
                catch (Exception e) when (e is UserInputException or EdgeCnn.Imaging.ImageFormatException)
                {
                    // Report the unreadable image and go on with the others; the exit code says something failed.
                    console.Error.WriteLine($"edgecnn: {e.Message}");
                    failures++;
                    continue;
                }
                runner.Run(image);
                var top1 = runner.Session.TopK(k);
                results.Add((file, top1));
                if (fmt == "text")
                {
                    console.Out.WriteLine(file);
                    // The one text form of a prediction, shared with Prediction.ToString() and CameraClassifier.
                    foreach (var p in top1) console.Out.WriteLine($"  {p}");
                }
                else if (fmt == "tsv")
                {
                    var p = top1[0];
                    console.Out.WriteLine($"{file}\t{p.Index}\t{p.Label}\t{p.Score.ToString("0.######", CultureInfo.InvariantCulture)}");
                }
            }
            if (fmt == "json")
                console.Out.WriteLine(Json.Write(j =>
                {
                    j.WriteStartArray();
                    foreach (var (file, predictions) in results)
                    {
                        j.WriteStartObject();
                        j.WriteString("file", file);
                        j.WriteStartArray("predictions");
                        foreach (var p in predictions)
                        {
                            j.WriteStartObject();
                            j.WriteNumber("index", p.Index);
                            j.WriteString("label", p.Label);
                            j.Number("score", p.Score);
                            j.WriteEndObject();
                        }
                        j.WriteEndArray();
                        j.WriteEndObject();
                    }
                    j.WriteEndArray();
                }));
            return failures == 0 ? CliApp.Success : CliApp.UserError;
        }));
        return command;
    }
}
