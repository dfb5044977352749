using System.Globalization;
using EdgeCnn.Model;

namespace EdgeCnn.Cli;

/// <summary>Parsing of option values that System.CommandLine leaves as strings (WxH, a,b,c, rgb|bgr).</summary>
public static class OptionValues
{
    public static (int Width, int Height)? Size(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0 && w <= 16384 && h <= 16384)
            return (w, h);
        throw new UserInputException($"{option} '{text}' is not a size WxH (for example 224x224)");
    }

    public static float[]? Floats(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new UserInputException($"{option} '{text}' is not a comma-separated list of numbers (for example 0.485,0.456,0.406)");
        if (values.Length is not (1 or 3)) throw new UserInputException($"{option} takes 1 or 3 values, got {values.Length}");
        return values;
    }

    public static ChannelOrder Order(string? text) => text?.ToLowerInvariant() switch
    {
        null or "" or "rgb" => ChannelOrder.Rgb,
        "bgr" => ChannelOrder.Bgr,
        _ => throw new UserInputException($"--channel-order '{text}' is not rgb or bgr"),
    };

    public static string[] Labels(string? path)
    {
        if (string.IsNullOrEmpty(path)) return [];
        if (!File.Exists(path)) throw new UserInputException($"label file '{path}' does not exist");
        var lines = File.ReadAllLines(path);
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Trim().Length == 0) count--; // trailing blank lines
        return lines.Take(count).Select(l => l.Trim()).ToArray();
    }

    /// <summary>--threads N, bounded like <see cref="SessionOptions.Threads"/> (1 to <see cref="SessionOptions.MaxThreads"/>).</summary>
    public static int Threads(int threads) =>
        SessionOptions.CheckThreads(threads) is { } problem ? throw new UserInputException("--threads: " + problem) : threads;

    public static void RequireFile(string path, string what)
    {
        if (Directory.Exists(path)) throw new UserInputException($"{what} '{path}' is a folder, not a file");
        if (!File.Exists(path)) throw new UserInputException($"{what} '{path}' does not exist");
    }

    /// <summary>Invariant-culture number for text and JSON output.</summary>
    public static string Number(double value, string format = "0.####") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : value > 0 ? "inf" : double.IsNaN(value) ? "n/a" : "-inf";
}
