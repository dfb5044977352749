using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Passes;

/// <summary>
/// Removes channels-last detours: Transpose(perm 0,2,3,1) of a feature map, operators that work per
/// pixel along the last axis, Transpose(perm 0,3,1,2) back (ConvNeXt's blocks and LayerNorm2d). The
/// canonical int8 layout is NHWC already, so the region is rewritten in NCHW terms and both transposes
/// go: LayerNormalization over the last axis becomes ChannelLayerNorm, MatMul by a constant [C, K]
/// (and a following Add of a [K] bias) a 1x1 Conv, constant operands of [C] become [C, 1, 1], and
/// element-wise activations stay as they are. A region with any other reader is left untouched.
/// </summary>
public static class ChannelsLastRegions
{
    private static readonly long[] ToChannelsLast = [0, 2, 3, 1];
    private static readonly long[] ToChannelsFirst = [0, 3, 1, 2];

    private static readonly HashSet<string> PointwiseUnary = new(StringComparer.Ordinal)
    {
        "Relu", "Gelu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "LeakyRelu", "Elu", "Selu", "Softplus", "Clip", "Erf", "Sqrt", "Identity", "Dropout",
    };

    public static int Run(ModelGraph graph)
    {
        int rewritten = 0;
        foreach (var entry in graph.Nodes.ToList())
            if (graph.Nodes.Contains(entry) && IsTranspose(entry, ToChannelsLast) && TryRewrite(graph, entry)) rewritten++;
        return rewritten;
    }

    private static bool IsTranspose(GraphNode node, long[] perm) =>
        node.OpType == "Transpose" && node.Activation.IsNone && node.GetInts("perm") is { } p && p.SequenceEqual(perm);

    private sealed class Region
    {
        public readonly HashSet<string> Values = new(StringComparer.Ordinal);
        public readonly List<GraphNode> Nodes = [];
        public readonly List<GraphNode> Exits = [];
    }

    private static bool TryRewrite(ModelGraph graph, GraphNode entry)
    {
        if (graph.FindValue(entry.Inputs[0])?.Shape is not { Length: 4 } || graph.Outputs.Contains(entry.Outputs[0])) return false;
        var region = new Region();
        region.Values.Add(entry.Outputs[0]);
        var pending = new Queue<string>([entry.Outputs[0]]);
        while (pending.Count > 0)
        {
            string value = pending.Dequeue();
            if (graph.Outputs.Contains(value)) return false;
            foreach (var reader in graph.ConsumersOf(value))
            {
                if (region.Nodes.Contains(reader) || region.Exits.Contains(reader)) continue;
                if (IsTranspose(reader, ToChannelsFirst))
                {
                    // An exit that is a graph output keeps its name: the region node before it takes
                    // that name (at most one such exit per value; the entry itself cannot be renamed).
                    if (graph.Outputs.Contains(reader.Outputs[0])
                        && (value == entry.Outputs[0] || region.Exits.Any(e => e.Inputs[0] == value && graph.Outputs.Contains(e.Outputs[0]))))
                        return false;
                    region.Exits.Add(reader);
                    continue;
                }
                if (!CanRewrite(graph, reader, region)) return false;
                region.Nodes.Add(reader);
                foreach (var output in reader.Outputs.Where(o => o.Length > 0))
                    if (region.Values.Add(output)) pending.Enqueue(output);
            }
        }
        if (region.Exits.Count == 0) return false;
        foreach (var node in region.Nodes) Rewrite(graph, node, region);
        FoldBiases(graph, region);
        graph.ReplaceUses(entry.Outputs[0], entry.Inputs[0]);
        graph.Nodes.Remove(entry);
        foreach (var exit in region.Exits.Where(e => graph.Outputs.Contains(e.Outputs[0])))
        {
            string inner = exit.Inputs[0], outer = exit.Outputs[0];
            graph.Nodes.Remove(exit);
            var producer = region.Nodes.Single(n => graph.Nodes.Contains(n) && n.Outputs.Contains(inner)); // a folded bias Add is gone
            producer.Outputs[producer.Outputs.IndexOf(inner)] = outer;
            graph.ReplaceUses(inner, outer);
        }
        foreach (var exit in region.Exits.Where(graph.Nodes.Contains))
        {
            graph.ReplaceUses(exit.Outputs[0], exit.Inputs[0]);
            graph.Nodes.Remove(exit);
        }
        return true;
    }

    /// <summary>True when the node reads region values only in ways that have an NCHW form.</summary>
    private static bool CanRewrite(ModelGraph graph, GraphNode node, Region region)
    {
        if (!node.Activation.IsNone && node.OpType is not ("Add" or "Sub" or "Mul" or "MatMul")) return false;
        switch (node.OpType)
        {
            case "LayerNormalization":
                return node.GetInt("axis", -1) is -1 or 3 && node.Outputs.Count(o => o.Length > 0) == 1 && region.Values.Contains(node.Inputs[0])
                    && ConstantChannels(graph, node.InputOrNull(1)) && (node.InputOrNull(2) is null || ConstantChannels(graph, node.InputOrNull(2)));
            case "MatMul":
                return region.Values.Contains(node.Inputs[0]) && graph.FindValue(node.Inputs[1])?.Constant is { Rank: 2 };
            case "Add": case "Sub": case "Mul": case "Div":
                return node.Inputs.Count == 2 && node.Inputs.All(i => region.Values.Contains(i) || ConstantChannels(graph, i));
            default:
                return PointwiseUnary.Contains(node.OpType) && node.Inputs.Skip(1).All(i => i.Length == 0 || graph.IsConstant(i));
        }
    }

    /// <summary>A constant that broadcasts along the last axis only: a scalar, [C] or [1, 1, 1, C].</summary>
    private static bool ConstantChannels(ModelGraph graph, string? name) =>
        name is not null && graph.FindValue(name)?.Constant is { } c && c.Rank <= 4 && c.Shape.Take(c.Rank - 1).All(d => d == 1);

    private static void Rewrite(ModelGraph graph, GraphNode node, Region region)
    {
        switch (node.OpType)
        {
            case "LayerNormalization":
            {
                string x = node.Inputs[0];
                int c = graph.FindValue(x)!.Shape![3];
                string scale = Vector(graph, node.Name + "_scale", [c], NormalizationPatterns.ChannelVector(graph, node.InputOrNull(1), c, 1f)!);
                string bias = Vector(graph, node.Name + "_bias", [c], NormalizationPatterns.ChannelVector(graph, node.InputOrNull(2), c, 0f)!);
                float eps = node.GetFloat("epsilon", 1e-5f);
                node.OpType = "ChannelLayerNorm";
                node.Attributes.Clear();
                node.SetAttribute("epsilon", NodeAttribute.Of(eps));
                node.Inputs.Clear();
                node.Inputs.AddRange([x, scale, bias]);
                break;
            }
            case "MatMul":
            {
                // y[n, h, w, k] = sum_c x[n, h, w, c] * W[c, k] is a 1x1 convolution with weights [K, C, 1, 1].
                var w = graph.FindValue(node.Inputs[1])!.Constant!;
                int c = w.Shape[0], k = w.Shape[1];
                var source = w.AsFloats();
                var conv = new float[k * c];
                for (int o = 0; o < k; o++)
                    for (int i = 0; i < c; i++) conv[o * c + i] = source[i * k + o];
                string weights = Vector(graph, node.Name + "_weight", [k, c, 1, 1], conv);
                node.OpType = "Conv";
                node.Inputs[1] = weights;
                node.SetAttribute("kernel_shape", NodeAttribute.Of(new long[] { 1, 1 }));
                break;
            }
            case "Add": case "Sub": case "Mul": case "Div":
                for (int i = 0; i < 2; i++)
                {
                    if (region.Values.Contains(node.Inputs[i])) continue;
                    var constant = graph.FindValue(node.Inputs[i])!.Constant!;
                    if (constant.Length == 1) continue;
                    node.Inputs[i] = Vector(graph, node.Inputs[i] + "_nchw", [constant.Length, 1, 1], (float[])constant.AsFloats().Clone());
                }
                break;
        }
    }

    /// <summary>A Conv made from a MatMul whose only reader adds a constant [K] bias takes it as its bias.</summary>
    private static void FoldBiases(ModelGraph graph, Region region)
    {
        foreach (var conv in region.Nodes.Where(n => n.OpType == "Conv" && n.Inputs.Count == 2).ToList())
        {
            var add = PatternMatching.SoleConsumer(graph, conv.Outputs[0], "Add");
            if (add is null || PatternMatching.Other(add, conv.Outputs[0]) is not { } other || graph.FindValue(other)?.Constant is not { } bias) continue;
            int k = graph.FindValue(conv.Inputs[1])!.Constant!.Shape[0];
            if (bias.Length != k) continue;
            conv.Inputs.Add(Vector(graph, add.Name + "_bias", [k], (float[])bias.AsFloats().Clone()));
            conv.Outputs[0] = add.Outputs[0];
            graph.Nodes.Remove(add);
        }
    }

    private static string Vector(ModelGraph graph, string prefix, int[] shape, float[] values)
    {
        string name = graph.UniqueName(prefix);
        graph.AddConstant(name, new Tensor(shape, values));
        return name;
    }
}
