using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Lowering;

namespace EdgeCnn.Converter.Quantization;

/// <summary>How closely one int8 layer's output follows the float graph's value.</summary>
public sealed record LayerAccuracy(string Name, string Op, string Tensor, int[] Shape, double SqnrDb);

/// <summary>
/// Float vs int8, layer by layer, on the calibration inputs: the signal-to-quantization-noise ratio of
/// every operator output (10 log10(sum f^2 / sum (f - q)^2) over all samples, f the float executor's
/// value and q the int8 session's value dequantized), and how often the top-1 class agrees.
/// </summary>
public sealed class QuantizationReport
{
    public required int Samples { get; init; }
    public required IReadOnlyList<LayerAccuracy> Layers { get; init; }
    /// <summary>Fraction of output pixels (one per sample for a classifier) whose float and int8 top-1
    /// classes agree, both taken in the session's NHWC layout.</summary>
    public required double Top1Agreement { get; init; }
    /// <summary>SQNR of the model output (the last layer), in dB.</summary>
    public required double OutputSqnrDb { get; init; }

    /// <param name="floatGraph">The graph that was lowered (after passes).</param>
    /// <param name="nchwSample">Sample i as the float executor's NCHW input (called from several threads).</param>
    /// <param name="nhwcSample">Sample i as the int8 session's NHWC float input (called from several threads).</param>
    /// <param name="threads">Samples run at once (default: one per core); the report does not depend on it.</param>
    public static QuantizationReport Build(ModelGraph floatGraph, LoweringResult lowered, int sampleCount,
        Func<int, Tensor> nchwSample, Func<int, float[]> nhwcSample, int? threads = null, Action<int>? progress = null)
    {
        var executor = new FloatExecutor(floatGraph);
        using var model = EdgeModel.FromDefinition(lowered.Model);
        var definition = model.Definition;
        var valueOfTensor = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, tensor) in lowered.TensorOfValue) valueOfTensor.TryAdd(tensor, value);
        foreach (var t in definition.Tensors)
            if (floatGraph.FindValue(t.Name) is not null && !t.IsConstant) valueOfTensor.TryAdd(t.Name, t.Name);

        var ops = definition.Operators;
        int workers = Math.Clamp(threads ?? Environment.ProcessorCount, 1, Math.Max(1, sampleCount));
        var sessions = new InferenceSession[workers];
        try
        {
            for (int w = 0; w < workers; w++) sessions[w] = model.CreateSession(new SessionOptions { KeepIntermediateTensors = true });
            // Each sample's sums are kept apart and added in sample order: the same report for any thread count.
            var perSample = new SampleComparison[sampleCount];
            for (int start = 0; start < sampleCount; start += workers)
            {
                int batch = Math.Min(workers, sampleCount - start);
                Parallel.For(0, batch, new ParallelOptions { MaxDegreeOfParallelism = workers },
                    j => perSample[start + j] = Compare(floatGraph, executor, sessions[j], definition, valueOfTensor, nchwSample(start + j), nhwcSample(start + j)));
                for (int j = 0; j < batch; j++) progress?.Invoke(start + j + 1);
            }
            var signal = new double[ops.Count];
            var noise = new double[ops.Count];
            long agreeing = 0, pixels = 0;
            foreach (var c in perSample)
            {
                for (int i = 0; i < ops.Count; i++) { signal[i] += c.Signal[i]; noise[i] += c.Noise[i]; }
                agreeing += c.AgreeingPixels;
                pixels += c.Pixels;
            }
            var layers = new List<LayerAccuracy>();
            for (int i = 0; i < ops.Count; i++)
            {
                var output = definition.Tensors[ops[i].Outputs[0]];
                double sqnr = signal[i] == 0 && noise[i] == 0 ? double.NaN : Sqnr(signal[i], noise[i]);
                layers.Add(new LayerAccuracy(ops[i].Name, ops[i].Type.ToString(), output.Name, output.Shape, sqnr));
            }
            int last = ops.Count - 1;
            return new QuantizationReport
            {
                Samples = sampleCount,
                Layers = layers,
                Top1Agreement = pixels == 0 ? double.NaN : (double)agreeing / pixels,
                OutputSqnrDb = last >= 0 ? layers[last].SqnrDb : double.NaN,
            };
        }
        finally
        {
            foreach (var session in sessions) session?.Dispose();
        }
    }

    private sealed record SampleComparison(double[] Signal, double[] Noise, int AgreeingPixels, int Pixels);

    /// <summary>One sample through both executors: per-operator signal and noise, and the output's top-1 agreement.</summary>
    private static SampleComparison Compare(ModelGraph floatGraph, FloatExecutor executor, InferenceSession session,
        EdgeCnn.Model.EcnnModel definition, Dictionary<string, string> valueOfTensor, Tensor nchw, float[] nhwc)
    {
        var ops = definition.Operators;
        var signal = new double[ops.Count];
        var noise = new double[ops.Count];
        var values = executor.RunAll(new Dictionary<string, Tensor> { [floatGraph.Inputs[0]] = nchw });
        var int8Output = session.Run<float>(nhwc, session.InputShape).ToArray();
        var floatOutput = OutputAgreement.InSessionLayout(values[floatGraph.Outputs[0]]);
        int channels = session.GetOutputShape(0)[^1];
        if (floatOutput.Length != int8Output.Length)
            throw new ConversionException($"the float output '{floatGraph.Outputs[0]}' has {floatOutput.Length} values, the int8 model's output {int8Output.Length}");
        var (agreeing, pixels) = OutputAgreement.Count(floatOutput, int8Output, channels);
        for (int i = 0; i < ops.Count; i++)
        {
            string tensor = definition.Tensors[ops[i].Outputs[0]].Name;
            if (!valueOfTensor.TryGetValue(tensor, out var valueName) || !values.TryGetValue(valueName, out var reference)) continue;
            var expected = ToNhwc(reference);
            var actual = session.GetTensorDequantized(tensor);
            if (expected.Length != actual.Length) continue;
            for (int k = 0; k < expected.Length; k++)
            {
                double e = expected[k], d = e - actual[k];
                signal[i] += e * e;
                noise[i] += d * d;
            }
        }
        return new SampleComparison(signal, noise, agreeing, pixels);
    }

    /// <summary>
    /// Throws a <see cref="ConversionException"/> when the model output's SQNR is below
    /// <paramref name="minimumDb"/>, naming the first layer whose output fell below it (where the int8
    /// model stopped following the float one).
    /// </summary>
    public void RequireUsableOutput(double minimumDb)
    {
        if (!(OutputSqnrDb < minimumDb)) return; // NaN: an all-zero float output has no signal to compare
        var first = Layers.FirstOrDefault(l => l.SqnrDb < minimumDb) ?? Layers[^1];
        throw new ConversionException(
            $"the int8 model does not follow the float model: output SQNR {OutputSqnrDb:F1} dB on {Samples} calibration images " +
            $"(at least {minimumDb:F0} dB is needed; top-1 agreement {100 * Top1Agreement:F1}%). " +
            $"The first layer below {minimumDb:F0} dB is {first.Name} ({first.Op}, {first.SqnrDb:F1} dB); " +
            "check its input ranges and weights, or calibrate on images like the ones the model will see");
    }

    /// <summary>10 log10(signal / noise); +inf for an exact match.</summary>
    public static double Sqnr(double signal, double noise) =>
        noise == 0 ? double.PositiveInfinity : 10.0 * Math.Log10(signal / noise);

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>A rank-4 NCHW tensor's data in NHWC order; other ranks unchanged.</summary>
    public static float[] ToNhwc(Tensor t)
    {
        var data = t.AsFloats();
        if (t.Rank != 4) return data;
        int n = t.Shape[0], c = t.Shape[1], h = t.Shape[2], w = t.Shape[3];
        var result = new float[data.Length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        result[((i * h + y) * w + x) * c + ch] = data[((i * c + ch) * h + y) * w + x];
        return result;
    }
}
