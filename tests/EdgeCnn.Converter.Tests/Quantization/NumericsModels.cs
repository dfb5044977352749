using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tests.Cli;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>The PyTorch models of Quantization/Data (make_numerics_models.py) and images to calibrate them.</summary>
internal static class NumericsModels
{
    public static string Path(string name) =>
        System.IO.Path.Combine(RepoFiles.Root, "tests", "EdgeCnn.Converter.Tests", "Quantization", "Data", name + ".onnx");

    /// <summary>Seeded random 16 x 16 grayscale images: the models take [1, 1, 16, 16].</summary>
    public static GrayscaleImageSet RandomImages(int count)
    {
        var rnd = new Random(12);
        var pixels = new byte[count * 16 * 16];
        rnd.NextBytes(pixels);
        return new GrayscaleImageSet("random16", 16, 16, pixels, new byte[count], ["none"]);
    }

    public static OnnxConversionResult Convert(string name, int images = 12) =>
        OnnxConversion.Convert(Path(name), new OnnxConversionOptions
        {
            Calibration = RandomImages(images),
            CalibrationCount = images,
            ReportCount = images,
            Method = new Converter.Calibration.CalibrationOptions { Threads = 2 },
        });
}
