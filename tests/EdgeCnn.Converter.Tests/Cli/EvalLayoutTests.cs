using EdgeCnn.Converter.Tests.Quantization;

namespace EdgeCnn.Converter.Tests.Cli;

/// <summary>
/// eval scores .onnx and .ecnn models in one layout (channels last) and measures one class per image:
/// a model whose output is a feature map (per-pixel scores) is refused clearly in both formats, where it
/// used to compare an image label against a flattened map in two different orders.
/// </summary>
public sealed class EvalLayoutTests
{
    [Fact]
    public void Eval_refuses_a_per_pixel_output_in_both_formats()
    {
        string folder = Path.Combine(Path.GetTempPath(), "edgecnn-eval-layout-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        var pgm = new List<byte>(System.Text.Encoding.ASCII.GetBytes("P5\n16 16\n255\n"));
        for (int i = 0; i < 256; i++) pgm.Add((byte)(i * 7));
        File.WriteAllBytes(Path.Combine(folder, "a.pgm"), pgm.ToArray());
        File.WriteAllText(Path.Combine(folder, "labels.tsv"), "a.pgm\t0\n");
        string onnx = NumericsModels.Path("segmentation_like"), ecnn = Path.Combine(folder, "segmentation_like.ecnn");

        Assert.Contains("per pixel", Cli.Run("eval", onnx, "--dataset", folder).AssertOneLineError());
        var converted = Cli.Run("convert", onnx, "-o", ecnn, "--calibration", folder, "--calibration-count", "1");
        Assert.True(converted.ExitCode == 0, converted.Error);
        Assert.Contains("per pixel", Cli.Run("eval", ecnn, "--dataset", folder).AssertOneLineError());
    }
}
