using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeCnn.Cli.Output;
using EdgeCnn.Converter.Quantization;

namespace EdgeCnn.Cli.Commands;

/// <summary>
/// edgecnn bench MODEL.ecnn [--threads N] [--runs N]: median and minimum latency of whole runs through
/// the session, and a per-layer table (median time, share, GMAC/s) from the layer profiler.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Argument<string>("MODEL") { Description = ".ecnn model" };
        var threads = new Option<int>("--threads") { Description = "Threads per inference", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "Timed runs", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first (at least; see --warmup-ms)", DefaultValueFactory = _ => 50 };
        var warmupMs = new Option<int>("--warmup-ms")
        {
            Description = "Keep warming up until this many milliseconds have passed: the JIT promotes hot methods to optimized code only after a quiet 100 ms and a background compile, which 50 runs of a small model never reach",
            DefaultValueFactory = _ => 1000,
        };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("bench", "Measure inference latency, whole model and per layer") { model, threads, runs, warmup, warmupMs, format };
        command.SetAction(parse => console.Guard(() =>
        {
            int n = parse.GetValue(runs), w = parse.GetValue(warmup), t = parse.GetValue(threads), wms = parse.GetValue(warmupMs);
            if (n < 1) throw new UserInputException($"--runs must be at least 1, got {n}");
            if (w < 0) throw new UserInputException($"--warmup must not be negative, got {w}");
            if (wms < 0) throw new UserInputException($"--warmup-ms must not be negative, got {wms}");
            OptionValues.Threads(t);
            string path = parse.GetValue(model)!;
            using var runner = new ImageRunner(path, t);
            var session = runner.Session;
            // A fixed, seeded input: timing does not depend on the values, but a constant input could.
            var random = new Random(1234);
            var input = session.InputBuffer;
            for (int i = 0; i < input.Length; i++) input[i] = (sbyte)random.Next(-128, 128);
            long warmupStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < w || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < wms; i++) session.Run();
            var times = new double[n];
            for (int i = 0; i < n; i++)
            {
                long start = Stopwatch.GetTimestamp();
                session.Run();
                times[i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
            }
            Array.Sort(times);
            double median = times[n / 2], min = times[0];
            var layers = LayerProfiler.Profile(runner.Model, n, t);
            long totalMacs = layers.Sum(l => l.Macs);
            double layerSum = layers.Sum(l => l.MedianMs);

            if (parse.GetValue(format) == "json")
            {
                console.Out.WriteLine(Json.Write(j =>
                {
                    j.WriteStartObject();
                    j.WriteString("model", path);
                    j.WriteNumber("threads", t);
                    j.WriteNumber("runs", n);
                    j.Number("median_ms", median);
                    j.Number("min_ms", min);
                    j.WriteNumber("macs", totalMacs);
                    j.Number("gmacs_per_s", Gmacs(totalMacs, median));
                    j.WriteStartArray("layers");
                    foreach (var l in layers)
                    {
                        j.WriteStartObject();
                        j.WriteString("name", l.Name);
                        j.WriteString("op", l.Op);
                        j.WriteNumber("macs", l.Macs);
                        j.Number("median_ms", l.MedianMs);
                        j.Number("gmacs_per_s", Gmacs(l.Macs, l.MedianMs));
                        j.WriteEndObject();
                    }
                    j.WriteEndArray();
                    j.WriteEndObject();
                }, indented: false)); // one line: scripts read the last line of the output
                return CliApp.Success;
            }
            var table = new TextTable("layer", "op", "MACs", "ms", "share", "GMAC/s");
            foreach (var l in layers)
                table.Add(l.Name, l.Op, l.Macs.ToString("N0", CultureInfo.InvariantCulture), OptionValues.Number(l.MedianMs, "0.000"),
                    OptionValues.Number(layerSum > 0 ? 100 * l.MedianMs / layerSum : double.NaN, "0.0") + "%",
                    l.Macs == 0 ? "" : OptionValues.Number(Gmacs(l.Macs, l.MedianMs), "0.00"));
            table.Write(console.Out);
            console.Out.WriteLine();
            console.Out.WriteLine($"{Path.GetFileName(path)}: {n} runs, {t} thread(s): median {OptionValues.Number(median, "0.000")} ms, " +
                $"min {OptionValues.Number(min, "0.000")} ms, {totalMacs.ToString("N0", CultureInfo.InvariantCulture)} MACs, " +
                $"{OptionValues.Number(Gmacs(totalMacs, median), "0.00")} GMAC/s (per-layer times are medians of steps run alone on {t} thread(s))");
            return CliApp.Success;
        }));
        return command;
    }

    private static double Gmacs(long macs, double ms) => ms > 0 ? macs / (ms * 1e6) : double.NaN;
}
