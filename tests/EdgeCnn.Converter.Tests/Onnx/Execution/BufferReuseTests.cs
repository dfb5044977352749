using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Tests.Quantization;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>
/// The executor's reuse of activation arrays (calibration's mode) against plain runs: the same outputs
/// and the same values shown to the observer, image after image, on a graph where one activation has
/// two readers, a Flatten output shares its input's array and is itself a graph output, and a fused
/// clamp runs in place.
/// </summary>
public sealed class BufferReuseTests
{
    private static NodeAttribute I(params long[] v) => NodeAttribute.Of(v);

    private static SmallGraph Graph()
    {
        var g = new SmallGraph(5, "x", [1, 4, 8, 8]);
        g.Node("Conv", ["x", g.Weights("w1", [8, 4, 3, 3]), g.Weights("b1", [8])], "c1",
            ("pads", I(1, 1, 1, 1))).Activation = FusedActivation.Relu6;
        g.Node("Conv", ["c1", g.Weights("wd", [8, 1, 3, 3]), g.Weights("bd", [8])], "d",
            ("pads", I(1, 1, 1, 1)), ("group", NodeAttribute.Of(8L)));
        g.Node("Add", ["c1", "d"], "s");
        g.Node("Conv", ["s", g.Weights("w2", [6, 8, 1, 1])], "p");
        g.Node("Flatten", ["p"], "f");
        g.Node("Relu", ["f"], "r");
        g.Node("Mul", ["r", "r"], "m");
        g.Output("m");
        g.Output("f");
        return g;
    }

    private static Dictionary<string, float[]> RunOnce(FloatExecutor executor, string input, Tensor x, bool reuse,
        out Dictionary<string, Tensor> outputs)
    {
        var seen = new Dictionary<string, float[]>(StringComparer.Ordinal);
        outputs = executor.Run(new Dictionary<string, Tensor> { [input] = x }, (name, t) => seen[name] = (float[])t.AsFloats().Clone(),
            reuseBuffers: reuse);
        return seen;
    }

    [Fact]
    public void Reusing_arrays_changes_no_value_and_never_recycles_a_returned_output()
    {
        var g = Graph();
        var inputs = Enumerable.Range(0, 4).Select(_ => g.RandomInput([1, 4, 8, 8], -2f, 2f)).ToArray();
        var plain = new FloatExecutor(g.Graph);
        var reusing = new FloatExecutor(g.Graph);
        var kept = new List<(Dictionary<string, Tensor> Outputs, Dictionary<string, float[]> Copies)>();
        foreach (var x in inputs)
        {
            var expected = RunOnce(plain, "x", x, reuse: false, out _);
            var actual = RunOnce(reusing, "x", x, reuse: true, out var outputs);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, values) in expected) Assert.Equal(values, actual[name]);
            kept.Add((outputs, outputs.ToDictionary(e => e.Key, e => (float[])e.Value.AsFloats().Clone())));
        }
        // Outputs handed back earlier still hold their own values after later runs.
        foreach (var (outputs, copies) in kept)
            foreach (var (name, tensor) in outputs) Assert.Equal(copies[name], tensor.AsFloats());
    }

    [Fact]
    public void Fused_clamp_in_place_leaves_the_input_alone()
    {
        // Relu6 fused onto a Flatten, whose output shares its input's array: the clamp must copy.
        var g = new SmallGraph(7, "x", [1, 2, 3, 3]);
        g.Node("Flatten", ["x"], "f").Activation = FusedActivation.Relu6;
        g.Output("f");
        var x = g.RandomInput([1, 2, 3, 3], -10f, 10f);
        var before = (float[])x.AsFloats().Clone();
        var y = new FloatExecutor(g.Graph).Run(new Dictionary<string, Tensor> { ["x"] = x }, reuseBuffers: true)["f"];
        Assert.Equal(before, x.AsFloats());
        Assert.Equal(before.Select(v => MathF.Max(MathF.Min(v, 6f), 0f)).ToArray(), y.AsFloats());
    }
}
