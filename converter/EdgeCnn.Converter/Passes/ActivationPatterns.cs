using EdgeCnn.Converter.Graph;
using static EdgeCnn.Converter.Passes.PatternMatching;

namespace EdgeCnn.Converter.Passes;

/// <summary>
/// Recognizes activations PyTorch writes out of smaller operators, so int8 runs them as one 256-entry
/// table (exact by construction) instead of a chain of quantized steps:
/// <list type="bullet">
/// <item>GELU, erf form: x * (erf(x / sqrt 2) + 1) * 0.5 (nn.GELU at opset &lt; 20; also 0.5 * x first,
/// and x * (1 / sqrt 2) for the division) becomes one Gelu node;</item>
/// <item>hard swish: x * HardSigmoid(x) with alpha 1/6, beta 1/2 (nn.Hardswish at opset &lt; 14)
/// becomes one HardSwish node.</item>
/// </list>
/// </summary>
public static class ActivationPatterns
{
    private const float Tolerance = 1e-5f;

    public static int Run(ModelGraph graph)
    {
        int found = 0;
        foreach (var node in graph.Nodes.ToList())
        {
            if (!graph.Nodes.Contains(node)) continue;
            if (node.OpType == "Erf" && TryGelu(graph, node)) found++;
            else if (node.OpType == "HardSigmoid" && TryHardSwish(graph, node)) found++;
        }
        return found;
    }

    private static bool Near(float? value, double expected) => value is { } v && Math.Abs(v - expected) <= Tolerance * Math.Max(1, Math.Abs(expected));

    private static bool TryGelu(ModelGraph graph, GraphNode erf)
    {
        // x / sqrt(2) or x * (1 / sqrt(2)), read only by the Erf.
        var scaled = graph.ProducerOf(erf.Inputs[0]);
        if (scaled is null || !scaled.Activation.IsNone || SoleConsumer(graph, erf.Inputs[0], "Erf") is null) return false;
        string? x = scaled.OpType switch
        {
            "Div" when Near(Scalar(graph, scaled.Inputs[1]), Math.Sqrt(2)) => scaled.Inputs[0],
            "Mul" when Near(Scalar(graph, scaled.Inputs[1]), 1 / Math.Sqrt(2)) => scaled.Inputs[0],
            "Mul" when Near(Scalar(graph, scaled.Inputs[0]), 1 / Math.Sqrt(2)) => scaled.Inputs[1],
            _ => null,
        };
        if (x is null) return false;
        var plusOne = SoleConsumer(graph, erf.Outputs[0], "Add");
        if (plusOne is null || !Near(Scalar(graph, Other(plusOne, erf.Outputs[0])!), 1)) return false;
        var times = SoleConsumer(graph, plusOne.Outputs[0], "Mul");
        if (times is null) return false;
        string? other = Other(times, plusOne.Outputs[0]);
        GraphNode last;
        var matched = new List<GraphNode> { scaled, erf, plusOne, times };
        if (other == x)
        {
            // (x * (erf + 1)) * 0.5
            var halve = SoleConsumer(graph, times.Outputs[0], "Mul");
            if (halve is null || !Near(Scalar(graph, Other(halve, times.Outputs[0])!), 0.5)) return false;
            last = halve;
            matched.Add(halve);
        }
        else
        {
            // (x * 0.5) * (erf + 1): the half is a Mul of x read only here.
            var half = other is null ? null : graph.ProducerOf(other);
            if (half is null || half.OpType != "Mul" || !half.Activation.IsNone || graph.UseCount(other!) != 1) return false;
            string? hx = Other(half, x);
            if (hx is null || !Near(Scalar(graph, hx), 0.5)) return false;
            last = times;
            matched.Add(half);
        }
        if (matched.Any(n => !n.Activation.IsNone)) return false;
        Replace(graph, matched, new GraphNode("Gelu", last.Name, [x], [last.Outputs[0]]));
        return true;
    }

    private static bool TryHardSwish(ModelGraph graph, GraphNode hardSigmoid)
    {
        if (!hardSigmoid.Activation.IsNone) return false;
        if (!Near(hardSigmoid.GetFloat("alpha", 0.2f), 1.0 / 6) || !Near(hardSigmoid.GetFloat("beta", 0.5f), 0.5)) return false;
        string x = hardSigmoid.Inputs[0];
        var mul = SoleConsumer(graph, hardSigmoid.Outputs[0], "Mul");
        if (mul is null || Other(mul, hardSigmoid.Outputs[0]) != x) return false;
        Replace(graph, [hardSigmoid, mul], new GraphNode("HardSwish", mul.Name, [x], [mul.Outputs[0]]));
        return true;
    }
}
