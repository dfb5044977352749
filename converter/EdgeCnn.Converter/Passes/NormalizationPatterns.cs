using EdgeCnn.Converter.Graph;
using static EdgeCnn.Converter.Passes.PatternMatching;

namespace EdgeCnn.Converter.Passes;

/// <summary>
/// Recognizes normalizations written out of smaller operators and gives them one node each:
/// <list type="bullet">
/// <item>LayerNorm as PyTorch &lt; 2 exports F.layer_norm (and as ConvNeXt writes it by hand):
/// d = x - ReduceMean(x); y = d / Sqrt(ReduceMean(Pow(d, 2)) + eps) [* scale] [+ bias], over one axis.
/// Over the last axis it becomes ONNX LayerNormalization (a channels-last region later turns it into
/// ChannelLayerNorm); over axis 1 it becomes ChannelLayerNorm directly.</item>
/// <item>L2 normalization as F.normalize exports it: x / Expand(Clip(ReduceL2(x, axis 1), eps)), and
/// ONNX LpNormalization with p = 2 over the channel axis: ChannelL2Norm.</item>
/// <item>LayerNormalization over the last axis of [N, C]: ChannelLayerNorm (the channel axis).</item>
/// </list>
/// ChannelLayerNorm(x, scale [C], bias [C]; epsilon) and ChannelL2Norm(x; epsilon) are the converter's
/// own nodes: they normalize over axis 1 of [N, C, ...], which is what the int8 runtime runs.
/// </summary>
public static class NormalizationPatterns
{
    public static int Run(ModelGraph graph)
    {
        int found = 0;
        foreach (var node in graph.Nodes.ToList())
        {
            if (!graph.Nodes.Contains(node) || !node.Activation.IsNone) continue;
            bool matched = node.OpType switch
            {
                "ReduceMean" => TryLayerNorm(graph, node),
                "ReduceL2" => TryL2Norm(graph, node),
                "LpNormalization" => TryLpNormalization(graph, node),
                _ => false,
            };
            if (matched) found++;
        }
        foreach (var node in graph.Nodes.ToList())
            if (node.OpType == "LayerNormalization" && TryRank2LayerNorm(graph, node)) found++;
        return found;
    }

    private static bool TryLayerNorm(ModelGraph graph, GraphNode mean)
    {
        string x = mean.Inputs[0];
        if (RankOf(graph, x) is not { } rank || rank < 2 || SingleReducedAxis(graph, mean, rank) is not { } axis) return false;
        if (axis != rank - 1 && axis != 1) return false;
        var sub = SoleConsumer(graph, mean.Outputs[0], "Sub");
        if (sub is null || sub.Inputs[0] != x || sub.Inputs[1] != mean.Outputs[0]) return false;
        string d = sub.Outputs[0];
        var readers = graph.ConsumersOf(d);
        if (readers.Count != 2 || graph.Outputs.Contains(d)) return false;
        var pow = readers.Find(n => n.OpType == "Pow");
        var div = readers.Find(n => n.OpType == "Div");
        if (pow is null || div is null || pow.Inputs[0] != d || Scalar(graph, pow.Inputs[1]) != 2f || div.Inputs[0] != d) return false;
        var variance = SoleConsumer(graph, pow.Outputs[0], "ReduceMean");
        if (variance is null || SingleReducedAxis(graph, variance, rank) != axis) return false;
        var plusEps = SoleConsumer(graph, variance.Outputs[0], "Add");
        if (plusEps is null || Scalar(graph, Other(plusEps, variance.Outputs[0])!) is not { } eps) return false;
        var sqrt = SoleConsumer(graph, plusEps.Outputs[0], "Sqrt");
        if (sqrt is null || div.Inputs[1] != sqrt.Outputs[0] || graph.UseCount(sqrt.Outputs[0]) != 1) return false;
        var matched = new List<GraphNode> { mean, sub, pow, variance, plusEps, sqrt, div };
        if (matched.Any(n => !n.Activation.IsNone)) return false;

        int c = graph.FindValue(x)!.Shape![axis];
        if (c <= 0) return false;
        string output = div.Outputs[0];
        float[] scale = Enumerable.Repeat(1f, c).ToArray(), bias = new float[c];
        if (AffineStep(graph, output, "Mul", c, axis, rank) is { } mul)
        {
            scale = mul.Values;
            matched.Add(mul.Node);
            output = mul.Node.Outputs[0];
            if (AffineStep(graph, output, "Add", c, axis, rank) is { } add)
            {
                bias = add.Values;
                matched.Add(add.Node);
                output = add.Node.Outputs[0];
            }
        }
        var last = matched[^1];
        string scaleName = graph.UniqueName(last.Name + "_scale"), biasName = graph.UniqueName(last.Name + "_bias");
        graph.AddConstant(scaleName, new Tensor([c], scale));
        graph.AddConstant(biasName, new Tensor([c], bias));
        bool channel = axis == 1;
        var norm = new GraphNode(channel ? "ChannelLayerNorm" : "LayerNormalization", last.Name, [x, scaleName, biasName], [output]);
        norm.SetAttribute("epsilon", NodeAttribute.Of(eps));
        if (!channel) norm.SetAttribute("axis", NodeAttribute.Of(-1L));
        Replace(graph, matched, norm);
        return true;
    }

    /// <summary>A Mul or Add by a constant that holds one value per element of the normalized axis (and broadcasts only along it).</summary>
    private static (GraphNode Node, float[] Values)? AffineStep(ModelGraph graph, string input, string opType, int c, int axis, int rank)
    {
        var node = SoleConsumer(graph, input, opType);
        if (node is null || Other(node, input) is not { } other || graph.FindValue(other)?.Constant is not { } constant) return null;
        if (constant.Length != c && constant.Length != 1) return null;
        // The constant's non-trivial dim must land on the normalized axis when right-aligned with the input.
        for (int d = 0; d < constant.Rank; d++)
        {
            int aligned = rank - constant.Rank + d;
            if (constant.Shape[d] != 1 && aligned != axis) return null;
        }
        var v = constant.AsFloats();
        return (node, v.Length == c ? (float[])v.Clone() : Enumerable.Repeat(v[0], c).ToArray());
    }

    private static bool TryL2Norm(ModelGraph graph, GraphNode reduce)
    {
        string x = reduce.Inputs[0];
        if (RankOf(graph, x) is not { } rank || rank < 2 || SingleReducedAxis(graph, reduce, rank) != 1) return false;
        var matched = new List<GraphNode> { reduce };
        string denominator = reduce.Outputs[0];
        float eps = 0f;
        var clip = SoleConsumer(graph, denominator, "Clip");
        if (clip is not null)
        {
            if (clip.InputOrNull(2) is not null || clip.HasAttribute("max") || clip.Inputs[0] != denominator) return false;
            float? min = clip.InputOrNull(1) is { } m ? Scalar(graph, m) : clip.GetFloat("min", float.NaN);
            if (min is not { } e || !(e >= 0)) return false;
            eps = e;
            matched.Add(clip);
            denominator = clip.Outputs[0];
        }
        var expand = SoleConsumer(graph, denominator, "Expand");
        if (expand is not null)
        {
            if (expand.Inputs[0] != denominator) return false;
            matched.Add(expand);
            denominator = expand.Outputs[0];
        }
        var div = SoleConsumer(graph, denominator, "Div");
        if (div is null || div.Inputs[0] != x || div.Inputs[1] != denominator) return false;
        matched.Add(div);
        if (matched.Any(n => !n.Activation.IsNone)) return false;
        var norm = new GraphNode("ChannelL2Norm", div.Name, [x], [div.Outputs[0]]);
        norm.SetAttribute("epsilon", NodeAttribute.Of(eps));
        Replace(graph, matched, norm);
        return true;
    }

    private static bool TryLpNormalization(ModelGraph graph, GraphNode lp)
    {
        if (RankOf(graph, lp.Inputs[0]) is not { } rank || rank < 2 || lp.GetInt("p", 2) != 2) return false;
        long axis = lp.GetInt("axis", -1);
        if (axis < 0) axis += rank;
        if (axis != 1) return false;
        var norm = new GraphNode("ChannelL2Norm", lp.Name, [lp.Inputs[0]], [lp.Outputs[0]]);
        norm.SetAttribute("epsilon", NodeAttribute.Of(0f));
        Replace(graph, [lp], norm);
        return true;
    }

    /// <summary>LayerNormalization over the last axis of [N, C] with [C] scale and bias is ChannelLayerNorm.</summary>
    private static bool TryRank2LayerNorm(ModelGraph graph, GraphNode ln)
    {
        if (RankOf(graph, ln.Inputs[0]) != 2 || !ln.Activation.IsNone) return false;
        long axis = ln.GetInt("axis", -1);
        if (axis is not (-1 or 1) || ln.Outputs.Count(o => o.Length > 0) != 1) return false;
        int c = graph.FindValue(ln.Inputs[0])!.Shape![1];
        if (ChannelVector(graph, ln.InputOrNull(1), c, 1f) is not { } scale || ChannelVector(graph, ln.InputOrNull(2), c, 0f) is not { } bias) return false;
        string scaleName = graph.UniqueName(ln.Name + "_scale"), biasName = graph.UniqueName(ln.Name + "_bias");
        graph.AddConstant(scaleName, new Tensor([c], scale));
        graph.AddConstant(biasName, new Tensor([c], bias));
        var norm = new GraphNode("ChannelLayerNorm", ln.Name, [ln.Inputs[0], scaleName, biasName], [ln.Outputs[0]]);
        norm.SetAttribute("epsilon", NodeAttribute.Of(ln.GetFloat("epsilon", 1e-5f)));
        Replace(graph, [ln], norm);
        return true;
    }

    /// <summary>A constant of c values (or one), or the default when the input is absent; null when not constant.</summary>
    internal static float[]? ChannelVector(ModelGraph graph, string? name, int c, float absent)
    {
        if (name is null) return Enumerable.Repeat(absent, c).ToArray();
        if (graph.FindValue(name)?.Constant is not { } t || (t.Length != c && t.Length != 1)) return null;
        var v = t.AsFloats();
        return v.Length == c ? (float[])v.Clone() : Enumerable.Repeat(v[0], c).ToArray();
    }
}
