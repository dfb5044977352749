using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Format;
using EdgeCnn.Imaging;

namespace EdgeCnn.Fuzz;

/// <summary>
/// Where the seeds come from: the repository (tools/fuzz/seeds, models/, the imaging test images) and,
/// with large seeds, the Coral TFLite models under ../shared (EDGECNN_SHARED). Small seeds keep an input at a few
/// milliseconds; <see cref="IncludeLarge"/> adds the full-size models for long runs.
/// </summary>
public sealed class SeedFiles(string repositoryRoot, string? sharedRoot, bool includeLarge)
{
    public string RepositoryRoot { get; } = repositoryRoot;
    public string? SharedRoot { get; } = sharedRoot;
    public bool IncludeLarge { get; } = includeLarge;

    public IReadOnlyList<byte[]> Onnx()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot, "tools", "fuzz", "seeds"), "*.onnx").Order(StringComparer.Ordinal).ToList();
        if (IncludeLarge) files.Add(Path.Combine(RepositoryRoot, "models", "fashion_mnist", "fashion_mnist_cnn.onnx"));
        return Read(files, "ONNX");
    }

    /// <summary>The ONNX seeds converted (one synthetic calibration image), plus the committed MobileNet model when large.</summary>
    public IReadOnlyList<byte[]> Ecnn()
    {
        var seeds = Onnx().Select(ConvertSeed).ToList();
        if (IncludeLarge) seeds.Add(File.ReadAllBytes(Path.Combine(RepositoryRoot, "models", "mobilenet_v2_1.0_224_quant.ecnn")));
        return seeds;
    }

    /// <summary>
    /// Small quantized models written by the converter tests' TFLite synthesizer (tools/fuzz/seeds), plus
    /// Coral's MobileNet and split/concat models from ../shared when large seeds are asked for.
    /// </summary>
    public IReadOnlyList<byte[]> Tflite()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot, "tools", "fuzz", "seeds"), "*.tflite").Order(StringComparer.Ordinal).ToList();
        if (IncludeLarge && SharedRoot is not null)
        {
            string coral = Path.Combine(SharedRoot, "models", "coral");
            files.Add(Path.Combine(coral, "split_concat.tflite"));
            files.Add(Path.Combine(coral, "mobilenet_v1_0.25_128_quant.tflite"));
        }
        return Read(files, "TFLite");
    }

    public IReadOnlyList<byte[]> Images()
    {
        string folder = Path.Combine(RepositoryRoot, "tests", "EdgeCnn.Runtime.Tests", "Imaging", "Data");
        var files = Directory.GetFiles(folder)
            .Where(f => Path.GetExtension(f) is ".png" or ".jpg" or ".pnm" or ".ppm" or ".bmp" && new FileInfo(f).Length < 64 * 1024)
            .Order(StringComparer.Ordinal).ToList();
        // BMP: the sample photo is large; a small BMP is written here so every decoder has a seed.
        return [.. Read(files, "image"), SmallBmp()];
    }

    private static IReadOnlyList<byte[]> Read(List<string> files, string what)
    {
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0) throw new FileNotFoundException($"{what} seed '{missing[0]}' not found");
        if (files.Count == 0) throw new FileNotFoundException($"no {what} seeds");
        return files.Select(File.ReadAllBytes).ToList();
    }

    private static byte[] ConvertSeed(byte[] onnx)
    {
        var graph = Converter.Onnx.OnnxImporter.Import(onnx, "seed.onnx");
        var result = OnnxConversion.Convert(graph, "seed", new OnnxConversionOptions
        {
            Calibration = new SyntheticImages(1), CalibrationCount = 1, ReportCount = 0,
        });
        return EcnnWriter.Write(result.Model);
    }

    /// <summary>A 6x5 24-bit BMP (bottom-up rows padded to 4 bytes).</summary>
    private static byte[] SmallBmp()
    {
        const int w = 6, h = 5, row = (w * 3 + 3) & ~3, pixels = row * h;
        var bmp = new byte[54 + pixels];
        bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
        BitConverter.TryWriteBytes(bmp.AsSpan(2), bmp.Length);
        BitConverter.TryWriteBytes(bmp.AsSpan(10), 54);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), w);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), h);
        BitConverter.TryWriteBytes(bmp.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(bmp.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(bmp.AsSpan(34), pixels);
        for (int i = 54; i < bmp.Length; i++) bmp[i] = (byte)(i * 37);
        return bmp;
    }

    /// <summary>Finds the repository (the folder holding EdgeCnn.sln) above <paramref name="start"/>.</summary>
    public static string LocateRepository(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EdgeCnn.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"the repository (EdgeCnn.sln) was not found above {start}");
    }

    /// <summary>EDGECNN_SHARED, or ../shared beside the repository, or /work/shared; null when none has the Coral models.</summary>
    public static string? LocateShared(string repositoryRoot)
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("EDGECNN_SHARED"), Path.Combine(repositoryRoot, "..", "shared"), Path.Combine(repositoryRoot, "..", "..", "shared"), "/work/shared" })
            if (!string.IsNullOrEmpty(candidate) && Directory.Exists(Path.Combine(candidate, "models", "coral"))) return Path.GetFullPath(candidate);
        return null;
    }
}

/// <summary>Deterministic gradient images: calibration data for converting seeds and fuzzed ONNX models.</summary>
public sealed class SyntheticImages(int count) : ILabeledImageSource
{
    public string Name => "synthetic";
    public int Count => count;
    public int Label(int index) => -1;
    public string ItemName(int index) => $"synthetic[{index}]";

    public Image LoadImage(int index)
    {
        const int side = 24;
        var pixels = new byte[side * side * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 + index * 31);
        return new Image(side, side, 3, pixels);
    }
}
