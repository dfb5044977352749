using System.Diagnostics;
using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.CalibrationBench;

/// <summary>
/// Where one core's calibration time goes, image by image on one thread: JPEG decode, preprocessing,
/// the float executor by operator type (timed between consecutive node outputs), and the statistics.
/// Printed as a table of milliseconds per image.
/// </summary>
internal static class StageProfile
{
    /// <summary>Operator type, convolutions split by kind (depthwise, 1x1, k x k), and the fused clamp.</summary>
    private static string Label(ModelGraph graph, GraphNode node)
    {
        string label = node.OpType;
        if (node.OpType == "Conv" && graph.GetValue(node.Inputs[1]).Constant is { Rank: 4 } w)
            label = node.GetInt("group", 1) > 1 && w.Shape[1] == 1 ? $"Conv dw{w.Shape[2]}x{w.Shape[3]}"
                : $"Conv {w.Shape[2]}x{w.Shape[3]}";
        return node.Activation.IsNone ? label : $"{label}+{node.Activation}";
    }

    public static void Run(ModelGraph graph, ImageFolder source, ModelInputBuilder inputs, int count, bool histograms)
    {
        var executor = new FloatExecutor(graph);
        var opOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var output in node.Outputs) opOf[output] = Label(graph, node);
        var stats = new Dictionary<string, TensorStatistics>(StringComparer.Ordinal);
        var ms = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string stage, double value) => ms[stage] = ms.GetValueOrDefault(stage) + value;
        for (int pass = 0; pass < 2; pass++) // the first pass warms up the JIT; only the second counts
        {
            ms.Clear();
            for (int i = 0; i < count; i++)
            {
                long t = Stopwatch.GetTimestamp();
                var image = source.LoadImage(i);
                Add("decode", Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                t = Stopwatch.GetTimestamp();
                var input = inputs.Nchw(image);
                Add("preprocess", Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                t = Stopwatch.GetTimestamp();
                executor.Run(new Dictionary<string, Tensor> { [graph.Inputs[0]] = input }, (name, tensor) =>
                {
                    Add(opOf[name], Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    long s = Stopwatch.GetTimestamp();
                    if (tensor.Floats is not null)
                    {
                        if (!stats.TryGetValue(name, out var st)) stats[name] = st = new TensorStatistics();
                        if (histograms) st.Add(tensor.Floats, withHistogram: true);
                        else
                        {
                            var (min, max) = TensorStatistics.Extremes(tensor.Floats);
                            st.AddExtremes(min, max, tensor.Floats.Length);
                        }
                    }
                    Add("statistics", Stopwatch.GetElapsedTime(s).TotalMilliseconds);
                    t = Stopwatch.GetTimestamp();
                }, reuseBuffers: true);
            }
        }
        double total = ms.Values.Sum();
        Console.WriteLine($"| stage | ms/image (one thread, {count} images) | share |");
        Console.WriteLine("|---|---|---|");
        foreach (var (stage, value) in ms.OrderByDescending(e => e.Value))
            Console.WriteLine($"| {stage} | {value / count:F2} | {100 * value / total:F1}% |");
        Console.WriteLine($"| total | {total / count:F2} | |");
    }
}
