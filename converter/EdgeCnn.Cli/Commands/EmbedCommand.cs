using System.CommandLine;
using System.Globalization;
using EdgeCnn.Cli.Output;

namespace EdgeCnn.Cli.Commands;

/// <summary>
/// edgecnn embed MODEL.ecnn IMAGE...: the model's output vector per image (an embedding extractor's
/// features), or with --similarity the pairwise cosine similarities of those vectors.
/// </summary>
public static class EmbedCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = ".ecnn model whose output is an embedding" };
        var images = new Argument<string[]>("IMAGE") { Description = "Image files or folders", Arity = ArgumentArity.OneOrMore };
        var similarity = new Option<bool>("--similarity") { Description = "Print pairwise cosine similarities instead of the vectors" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the vectors (or similarities) to this file instead of standard output" };
        var command = new Command("embed", "Print embedding vectors or their pairwise cosine similarities") { model, images, similarity, format, output };
        command.SetAction(parse => console.Guard(() =>
        {
            string modelPath = parse.GetValue(model)!;
            var files = ImageRunner.ExpandImages(parse.GetValue(images)!);
            string? outPath = parse.GetValue(output);
            if (!string.IsNullOrEmpty(outPath)) OutputFile.Prepare(outPath, "--output", [modelPath, .. files]);
            using var runner = new ImageRunner(modelPath);
            var text = new StringWriter();
            int code = Embed(text, runner, files, parse.GetValue(similarity), parse.GetValue(format) == "json");
            if (string.IsNullOrEmpty(outPath)) console.Out.Write(text.ToString());
            else
            {
                OutputFile.WriteText(outPath, text.ToString());
                console.Out.WriteLine($"wrote {outPath}: {files.Count} images");
            }
            return code;
        }));
        return command;
    }

    private static int Embed(TextWriter output, ImageRunner runner, List<string> files, bool similarity, bool json)
    {
        {
            var vectors = files.Select(f => runner.Run(ImageRunner.Load(f)).ToArray()).ToList();
            if (similarity)
            {
                if (files.Count < 2) throw new UserInputException("--similarity needs at least two images");
                var pairs = new List<(int A, int B, double Cosine)>();
                for (int a = 0; a < files.Count; a++)
                    for (int b = a + 1; b < files.Count; b++) pairs.Add((a, b, Cosine(vectors[a], vectors[b])));
                if (json)
                    output.WriteLine(Json.Write(j =>
                    {
                        j.WriteStartArray();
                        foreach (var (a, b, c) in pairs)
                        {
                            j.WriteStartObject();
                            j.WriteString("a", files[a]);
                            j.WriteString("b", files[b]);
                            j.Number("cosine", c);
                            j.WriteEndObject();
                        }
                        j.WriteEndArray();
                    }));
                else
                    foreach (var (a, b, c) in pairs)
                        output.WriteLine($"{c.ToString("0.0000", CultureInfo.InvariantCulture)}\t{files[a]}\t{files[b]}");
                return CliApp.Success;
            }
            if (json)
                output.WriteLine(Json.Write(j =>
                {
                    j.WriteStartArray();
                    for (int i = 0; i < files.Count; i++)
                    {
                        j.WriteStartObject();
                        j.WriteString("file", files[i]);
                        j.WriteStartArray("vector");
                        foreach (var v in vectors[i]) j.WriteNumberValue(v);
                        j.WriteEndArray();
                        j.WriteEndObject();
                    }
                    j.WriteEndArray();
                }, indented: false));
            else
                for (int i = 0; i < files.Count; i++)
                    output.WriteLine(files[i] + "\t" + string.Join(",", vectors[i].Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
            return CliApp.Success;
        }
    }

    /// <summary>a.b / (|a| |b|) in double; 0 when either vector is all zeros.</summary>
    public static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"vectors of different lengths {a.Length} and {b.Length}");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
