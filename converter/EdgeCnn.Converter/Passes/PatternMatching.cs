using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Passes;

/// <summary>Small queries the pattern passes share: sole readers, constant scalars, the other operand.</summary>
internal static class PatternMatching
{
    /// <summary>The one node reading <paramref name="value"/>, or null when it has other readers or is a graph output.</summary>
    public static GraphNode? SoleConsumer(ModelGraph graph, string value, string opType)
    {
        if (graph.Outputs.Contains(value)) return null;
        var consumers = graph.ConsumersOf(value);
        if (consumers.Count != 1 || consumers[0].OpType != opType || !consumers[0].Activation.IsNone) return null;
        return consumers[0].Inputs.Count(i => i == value) == 1 ? consumers[0] : null;
    }

    /// <summary>The value of a one-element float constant, or null.</summary>
    public static float? Scalar(ModelGraph graph, string name)
    {
        var c = graph.FindValue(name)?.Constant;
        return c is { Length: 1 } ? c.AsFloats()[0] : null;
    }

    /// <summary>For a two-input node reading <paramref name="known"/>, the name of its other input (or null).</summary>
    public static string? Other(GraphNode node, string known) =>
        node.Inputs.Count != 2 ? null : node.Inputs[0] == known ? node.Inputs[1] : node.Inputs[1] == known ? node.Inputs[0] : null;

    /// <summary>The single reduced axis of a ReduceMean / ReduceL2 that keeps dims, normalized against rank; null otherwise.</summary>
    public static int? SingleReducedAxis(ModelGraph graph, GraphNode reduce, int rank)
    {
        if (reduce.GetInt("keepdims", 1) == 0) return null;
        long[]? axes = graph.OpsetVersion < 18 ? reduce.GetInts("axes") : reduce.InputOrNull(1) is { } a ? graph.FindValue(a)?.Constant?.AsInt64s() : null;
        if (axes is not { Length: 1 }) return null;
        long axis = axes[0] < 0 ? axes[0] + rank : axes[0];
        return axis >= 0 && axis < rank ? (int)axis : null;
    }

    public static int? RankOf(ModelGraph graph, string value) => graph.FindValue(value)?.Shape?.Length;

    /// <summary>Replaces the nodes <paramref name="matched"/> by <paramref name="replacement"/>, keeping the graph in topological order.</summary>
    public static void Replace(ModelGraph graph, IReadOnlyCollection<GraphNode> matched, GraphNode replacement)
    {
        int at = matched.Max(graph.Nodes.IndexOf);
        graph.Nodes.Insert(at + 1, replacement);
        foreach (var node in matched) graph.Nodes.Remove(node);
    }
}
