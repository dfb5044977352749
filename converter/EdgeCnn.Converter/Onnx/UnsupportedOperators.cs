namespace EdgeCnn.Converter.Onnx;

/// <summary>
/// Collects the operators a model uses that the converter cannot handle, each with the first node that
/// uses it and how many nodes do, so a model is refused once with the whole list (a user learns
/// everything that is missing from one run, not one operator per run).
/// </summary>
internal sealed class UnsupportedOperators
{
    private readonly List<(string Op, string FirstNode, string? Why)> _ops = [];
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public bool Any => _ops.Count > 0;

    public int Count => _ops.Count;

    public void Add(string opType, string nodeName, string? why = null)
    {
        if (_counts.TryGetValue(opType, out int n)) { _counts[opType] = n + 1; return; }
        _counts[opType] = 1;
        _ops.Add((opType, nodeName, why));
    }

    /// <summary>"model.onnx: 3 unsupported operators: 'Erf' (first in node 'x', 18 nodes), ...; supported operators: ..."</summary>
    public string Message(string source, string supported, string singular = "unsupported operator", string plural = "unsupported operators")
    {
        var items = _ops.Select(o =>
        {
            int n = _counts[o.Op];
            string count = n == 1 ? "1 node" : $"{n} nodes";
            return $"'{o.Op}' (first in node '{o.FirstNode}', {count}{(o.Why is null ? "" : "; " + o.Why)})";
        });
        return $"{source}: {_ops.Count} {(_ops.Count == 1 ? singular : plural)}: {string.Join(", ", items)}; supported operators: {supported}";
    }
}
