using System.Runtime.CompilerServices;

namespace EdgeCnn.Runtime.Tests.Golden;

/// <summary>
/// Where the golden test finds its models, photos and hashes: the committed files of this checkout,
/// found from this source file's path (also valid for the linux-arm64 build run under qemu).
/// </summary>
internal static class GoldenFiles
{
    public static string DataDirectory { get; } = Path.Combine(SourceDirectory(), "Data");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The committed hashes: tests/EdgeCnn.Runtime.Tests/Golden/Data/golden-sha256.tsv.</summary>
    public static string HashFile => Path.Combine(DataDirectory, "golden-sha256.tsv");

    /// <summary>Model name -> file: the bundled MobileNet v2 and the converted golden network.</summary>
    public static IReadOnlyDictionary<string, string> Models { get; } = new Dictionary<string, string>
    {
        ["mobilenet_v2_1.0_224_quant"] = Path.Combine(RepositoryRoot, "models", "mobilenet_v2_1.0_224_quant.ecnn"),
        ["golden_net"] = Path.Combine(DataDirectory, "golden_net.ecnn"),
    };

    /// <summary>The bundled sample photos (BMP and JPEG), in name order.</summary>
    public static IReadOnlyList<string> Images { get; } =
        Directory.GetFiles(Path.Combine(RepositoryRoot, "models", "samples")).Order(StringComparer.Ordinal).ToArray();

    public static IReadOnlyList<GoldenHash> Expected() =>
        File.ReadLines(HashFile).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(GoldenHash.Parse).ToArray();

    private static string SourceDirectory([CallerFilePath] string thisFile = "") => Path.GetDirectoryName(thisFile)!;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(SourceDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "models", "mobilenet_v2_1.0_224_quant.ecnn"))) return dir.FullName;
        throw new DirectoryNotFoundException($"repository root (with models/mobilenet_v2_1.0_224_quant.ecnn) not found above {SourceDirectory()}");
    }
}
