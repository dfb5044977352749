using System.CommandLine;
using System.Text.Json;
using EdgeCnn.Cli.Output;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Model;

namespace EdgeCnn.Cli.Commands;

/// <summary>edgecnn inspect MODEL(.ecnn|.onnx): per-layer op, output shape, MACs, parameters, scales; totals; peak arena.</summary>
public static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = ".ecnn or .onnx model" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var inputSize = new Option<string?>("--input-size") { Description = "WxH for ONNX models whose input size is dynamic" };
        var command = new Command("inspect", "Show a model's layers, costs and quantization") { model, format, inputSize };
        command.SetAction(parse => console.Guard(() =>
        {
            string path = parse.GetValue(model)!;
            OptionValues.RequireFile(path, "model");
            bool json = parse.GetValue(format) == "json";
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".ecnn" => InspectEcnn(console, path, json),
                ".onnx" => InspectOnnx(console, path, json, OptionValues.Size(parse.GetValue(inputSize), "--input-size")),
                _ => throw new UserInputException($"model '{path}' is neither .ecnn nor .onnx"),
            };
        }));
        return command;
    }

    private sealed record Row(string Name, string Op, int[] Shape, long Macs, long Parameters, string Scales);

    private static int InspectEcnn(CliConsole console, string path, bool json)
    {
        using var loaded = EdgeModel.Load(path);
        using var session = loaded.CreateSession();
        var m = loaded.Definition;
        var rows = m.Operators.Select(op =>
        {
            var output = m.Tensors[op.Outputs[0]];
            return new Row(op.Name, op.Type.ToString(), output.Shape, LayerCost.Macs(m, op), LayerCost.Parameters(m, op), Scales(m, op));
        }).ToList();
        var meta = m.Metadata;
        var input = m.Tensors[m.Inputs[0]];
        var header = new List<(string, string)>
        {
            ("name", meta.Name), ("producer", meta.Producer),
            ("input", $"{input.Name} {input.Type} [{string.Join(",", input.Shape)}] scale {input.Scale:G6} zp {input.ZeroPoint}"),
            ("labels", meta.Labels.Length.ToString()),
        };
        if (meta.Preprocessing is { } p)
            header.Add(("preprocessing", $"{p.Width}x{p.Height}x{p.Channels} mean [{string.Join(",", p.Mean.Select(G4))}] std [{string.Join(",", p.Std.Select(G4))}] {p.ChannelOrder.ToString().ToLowerInvariant()} crop {G4(p.CropFraction)}"));
        foreach (var (k, v) in meta.Properties) header.Add((k, v));
        return Print(console, json, header, rows, session.PeakArenaBytes);
    }

    private static int InspectOnnx(CliConsole console, string path, bool json, (int Width, int Height)? size)
    {
        var graph = OnnxImporter.ImportFile(path);
        Dictionary<string, int[]>? shapes = null;
        if (size is { } s && graph.Inputs.Count == 1)
        {
            var declared = graph.GetValue(graph.Inputs[0]).Shape;
            int c = declared is { Length: 4 } && declared[1] > 0 ? declared[1] : 3;
            shapes = new() { [graph.Inputs[0]] = [1, c, s.Height, s.Width] };
        }
        var summary = StandardPasses.Run(graph, shapes);
        var rows = graph.Nodes.Select(n => new Row(n.Name, n.OpType + (n.Activation.IsNone ? "" : "+" + n.Activation),
            graph.FindValue(n.Outputs[0])?.Shape ?? [], LayerCost.Macs(graph, n), LayerCost.Parameters(graph, n), "float32")).ToList();
        var header = new List<(string, string)>
        {
            ("name", graph.Name), ("opset", graph.OpsetVersion.ToString()),
            ("inputs", string.Join(" ", graph.Inputs.Select(i => graph.GetValue(i).ToString()))),
            ("passes", summary.ToString()),
        };
        return Print(console, json, header, rows, peakArena: null);
    }

    private static string G4(float v) => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    private static string Scales(EcnnModel m, OperatorDef op)
    {
        var output = m.Tensors[op.Outputs[0]];
        string outQ = output.Type == ElementType.Int8 ? $"out {output.Scale:G4}/{output.ZeroPoint}" : $"out {output.Type.ToString().ToLowerInvariant()}";
        var weights = op.Inputs.Skip(1).Select(i => m.Tensors[i]).FirstOrDefault(t => t.IsConstant && t.Type == ElementType.Int8);
        if (weights is null || weights.Scales.Length == 0) return outQ;
        return weights.Scales.Length == 1 ? $"{outQ} w {weights.Scale:G4}" : $"{outQ} w {weights.Scales.Min():G3}..{weights.Scales.Max():G3}";
    }

    private const int TerminalWidth = 80, LayerNameWidth = 20, OpWidth = 16;

    /// <summary>"out 0.02353/-128 w 0.001..0.05" -> "0.02353/-128".</summary>
    private static string OutputQuantization(string scales)
    {
        string first = scales.Split(" w ")[0];
        return first.StartsWith("out ", StringComparison.Ordinal) ? first[4..] : first;
    }

    private static int Print(CliConsole console, bool json, List<(string Key, string Value)> header, List<Row> rows, long? peakArena)
    {
        long macs = rows.Sum(r => r.Macs), parameters = rows.Sum(r => r.Parameters);
        if (json)
        {
            console.Out.WriteLine(Json.Write(j =>
            {
                j.WriteStartObject();
                foreach (var (k, v) in header) j.WriteString(k, v);
                j.WriteStartArray("layers");
                foreach (var r in rows)
                {
                    j.WriteStartObject();
                    j.WriteString("name", r.Name);
                    j.WriteString("op", r.Op);
                    j.Ints("shape", r.Shape);
                    j.WriteNumber("macs", r.Macs);
                    j.WriteNumber("params", r.Parameters);
                    j.WriteString("scales", r.Scales);
                    j.WriteEndObject();
                }
                j.WriteEndArray();
                j.WriteNumber("total_macs", macs);
                j.WriteNumber("total_params", parameters);
                if (peakArena is { } p) j.WriteNumber("peak_arena_bytes", p);
                j.WriteEndObject();
            }));
            return CliApp.Success;
        }
        // Text fits an 80-column terminal: long values and layer names are cut (Compact), shapes drop
        // the batch of 1, counts use K/M/G, and only the output quantization is shown (json has everything).
        foreach (var (k, v) in header) console.Out.WriteLine(Compact.Name($"{k}: {v}", TerminalWidth));
        console.Out.WriteLine();
        var table = new TextTable("layer", "op", "output", "MACs", "params", "out scale/zp");
        var names = Compact.LayerNames(rows.Select(r => r.Name).ToList(), LayerNameWidth);
        foreach (var (r, name) in rows.Zip(names))
            table.Add(name, Compact.Name(r.Op, OpWidth), Compact.Shape(r.Shape), Compact.Count(r.Macs),
                Compact.Count(r.Parameters), Compact.Name(OutputQuantization(r.Scales), 12));
        table.Write(console.Out);
        console.Out.WriteLine();
        console.Out.WriteLine($"total: {rows.Count} layers, {Compact.Count(macs)} MACs, {Compact.Count(parameters)} parameters"
            + (peakArena is { } pa ? $", peak arena {Compact.Count(pa)}B" : ""));
        return CliApp.Success;
    }
}
