using System.Globalization;

namespace EdgeCnn.Cli.Output;

/// <summary>Short forms for 80-column tables: long names cut, counts with K/M/G, shapes without the batch.</summary>
public static class Compact
{
    /// <summary><paramref name="text"/> at most <paramref name="max"/> characters, cut at the end with "…".</summary>
    public static string Name(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary>
    /// Layer names at most <paramref name="max"/> characters, still telling layers apart: the first of a
    /// TFLite fused name's ';'-separated parts, without the path prefix every layer shares
    /// ("MobilenetV2/"), without the last path segment when three or more remain (the op inside the block:
    /// Relu6, Conv2D_Fold), and then the end kept: "MobilenetV2/expanded_conv_12/project/Conv2D_Fold"
    /// becomes "expanded_conv_12/project", "…ed_conv_12/project" in 20 columns.
    /// </summary>
    public static string[] LayerNames(IReadOnlyList<string> names, int max)
    {
        var parts = names.Select(n => n.Split(';')[0].Split('/')).ToArray();
        int common = 0;
        while (parts.Length > 1 && parts.All(p => p.Length > common + 1 && p[common] == parts[0][common])) common++;
        return parts.Select(p =>
        {
            var kept = p[common..];
            if (kept.Length >= 3) kept = kept[..^1];
            string name = string.Join("/", kept);
            return name.Length <= max ? name : string.Concat("…", name.AsSpan(name.Length - (max - 1)));
        }).ToArray();
    }

    /// <summary>1234 -> "1.2K", 15102976 -> "15.1M": at most 6 characters.</summary>
    public static string Count(long value)
    {
        if (value < 1000) return value.ToString(CultureInfo.InvariantCulture);
        string[] units = ["K", "M", "G", "T"];
        double v = value;
        int u = -1;
        while (v >= 999.5 && u < units.Length - 1) { v /= 1000; u++; }
        return (v < 9.95 ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("0", CultureInfo.InvariantCulture)) + units[u];
    }

    /// <summary>An NHWC shape without its batch of 1: [1,112,112,144] -> "112x112x144".</summary>
    public static string Shape(int[] shape)
    {
        var dims = shape.Length > 1 && shape[0] == 1 ? shape[1..] : shape;
        return dims.Length == 0 ? "scalar" : string.Join("x", dims);
    }
}
