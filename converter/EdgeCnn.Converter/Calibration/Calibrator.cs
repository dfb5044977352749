using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Calibration;

/// <summary>
/// Runs the float reference executor over calibration inputs and records the statistics of every
/// float activation (the graph input and each node output), then picks each one's int8 range.
/// </summary>
public static class Calibrator
{
    /// <param name="graph">The graph after passes, exactly as it will be lowered.</param>
    /// <param name="sampleCount">How many inputs <paramref name="sample"/> yields (0 .. count-1).</param>
    /// <param name="sample">The i-th input tensor for the graph's single input (NCHW float).</param>
    /// <param name="progress">Told the number of samples done after each one.</param>
    public static CalibrationResult Run(ModelGraph graph, int sampleCount, Func<int, Tensor> sample,
        CalibrationOptions options, Action<int>? progress = null)
    {
        if (graph.Inputs.Count != 1)
            throw new ConversionException($"graph '{graph.Name}' has {graph.Inputs.Count} inputs; calibration supports models with one image input");
        if (sampleCount < 1) throw new ConversionException("calibration needs at least one sample");
        var executor = new FloatExecutor(graph);
        string inputName = graph.Inputs[0];
        var stats = new Dictionary<string, TensorStatistics>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        bool histograms = options.Method != CalibrationMethod.MinMax;

        int workers = Math.Clamp(options.Threads ?? Environment.ProcessorCount, 1, sampleCount);
        if (histograms) ObserveInBatches(executor, inputName, sampleCount, sample, workers, stats, shapes, progress);
        else ObserveExtremes(executor, inputName, sampleCount, sample, workers, stats, shapes, progress);

        // The model's input and its scores keep their full observed range whatever the method: clipping
        // pixels loses nothing worth having, and clipping logits ties the top classes at the clip value,
        // which breaks the ranking that top-1 depends on.
        var unclipped = new HashSet<string>(graph.Inputs, StringComparer.Ordinal);
        unclipped.UnionWith(graph.Outputs);
        foreach (var node in graph.Nodes)
            if (node.OpType is "Softmax" or "LogSoftmax" && node.Outputs.Any(graph.Outputs.Contains))
                unclipped.Add(node.Inputs[0]);
        var minMax = options with { Method = CalibrationMethod.MinMax };
        var ranges = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
        foreach (var (name, s) in stats) ranges[name] = RangeSelection.Select(s, unclipped.Contains(name) ? minMax : options);
        return new CalibrationResult(options, sampleCount, ranges, stats, shapes);
    }

    /// <summary>
    /// Min-max: every image runs on its own (one per core) with the executor reusing its arrays, and
    /// leaves only each activation's extremes, found while the values are still in cache. The extremes
    /// are combined in sample order, which gives the same ranges whatever the number of cores.
    /// </summary>
    private static void ObserveExtremes(FloatExecutor executor, string inputName, int sampleCount, Func<int, Tensor> sample,
        int workers, Dictionary<string, TensorStatistics> stats, Dictionary<string, int[]> shapes, Action<int>? progress)
    {
        var perImage = new List<(string Name, float Min, float Max, int[] Shape, long Count)>[sampleCount];
        int done = 0;
        var progressLock = new Lock();
        Parallel.For(0, sampleCount, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
        {
            var seen = new List<(string, float, float, int[], long)>();
            void Observe(string name, Tensor t)
            {
                if (t.Floats is null) return; // shape arithmetic (int64) is not an activation
                var (min, max) = TensorStatistics.Extremes(t.Floats);
                seen.Add((name, min, max, t.Shape, t.Floats.Length));
            }
            var input = sample(i);
            Observe(inputName, input);
            executor.Run(new Dictionary<string, Tensor> { [inputName] = input }, Observe, reuseBuffers: true);
            perImage[i] = seen;
            if (progress is null) return;
            lock (progressLock) progress(++done);
        });
        foreach (var seen in perImage)
            foreach (var (name, min, max, shape, count) in seen)
            {
                if (!stats.TryGetValue(name, out var s))
                {
                    stats[name] = s = new TensorStatistics();
                    shapes[name] = (int[])shape.Clone();
                }
                s.AddExtremes(min, max, count);
            }
    }

    /// <summary>
    /// Histogram methods: a batch of images runs at once, one per core, each keeping the activations it
    /// produced. Statistics then take each activation's values image by image in sample order
    /// (activations in parallel, as they are independent), so the histograms, which grow with the values
    /// they meet, are the same whatever the number of cores.
    /// </summary>
    private static void ObserveInBatches(FloatExecutor executor, string inputName, int sampleCount, Func<int, Tensor> sample,
        int workers, Dictionary<string, TensorStatistics> stats, Dictionary<string, int[]> shapes, Action<int>? progress)
    {
        for (int start = 0; start < sampleCount; start += workers)
        {
            int batch = Math.Min(workers, sampleCount - start);
            var observed = new List<(string Name, Tensor Value)>[batch];
            Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = workers }, j =>
            {
                var seen = new List<(string, Tensor)>();
                var input = sample(start + j);
                seen.Add((inputName, input));
                executor.Run(new Dictionary<string, Tensor> { [inputName] = input }, (name, t) =>
                {
                    if (t.Floats is not null) seen.Add((name, t)); // shape arithmetic (int64) is not an activation
                });
                observed[j] = seen;
            });
            var byName = new Dictionary<string, List<Tensor>>(StringComparer.Ordinal);
            foreach (var seen in observed)
                foreach (var (name, t) in seen)
                {
                    if (!byName.TryGetValue(name, out var list)) byName[name] = list = [];
                    list.Add(t);
                    if (!stats.ContainsKey(name))
                    {
                        stats[name] = new TensorStatistics();
                        shapes[name] = (int[])t.Shape.Clone();
                    }
                }
            Parallel.ForEach(byName, new ParallelOptions { MaxDegreeOfParallelism = workers }, entry =>
            {
                var s = stats[entry.Key];
                foreach (var t in entry.Value) s.Add(t.Floats!, withHistogram: true);
            });
            for (int j = 0; j < batch; j++) progress?.Invoke(start + j + 1);
        }
    }
}

/// <summary>The outcome of calibration: an int8 range per activation name.</summary>
public sealed class CalibrationResult(CalibrationOptions options, int sampleCount,
    IReadOnlyDictionary<string, ActivationRange> ranges, IReadOnlyDictionary<string, TensorStatistics> statistics,
    IReadOnlyDictionary<string, int[]> shapes)
{
    public CalibrationOptions Options { get; } = options;
    public int SampleCount { get; } = sampleCount;
    public IReadOnlyDictionary<string, ActivationRange> Ranges { get; } = ranges;
    public IReadOnlyDictionary<string, TensorStatistics> Statistics { get; } = statistics;
    /// <summary>The shape each activation had when calibration saw it (fills gaps shape inference left).</summary>
    public IReadOnlyDictionary<string, int[]> Shapes { get; } = shapes;

    public ActivationRange RangeOf(string valueName, string forNode) =>
        Ranges.TryGetValue(valueName, out var r) ? r
            : throw new ConversionException($"node {forNode}: calibration saw no values for '{valueName}'");

    /// <summary>Ranges given directly (tests, or models whose ranges are known).</summary>
    public static CalibrationResult FromRanges(IReadOnlyDictionary<string, ActivationRange> ranges,
        IReadOnlyDictionary<string, int[]>? shapes = null) =>
        new(new CalibrationOptions(), 0, ranges, new Dictionary<string, TensorStatistics>(), shapes ?? new Dictionary<string, int[]>());
}
