using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Quantization;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>
/// No silent garbage: GoogLeNet (random weights) converted to an all-zero int8 output because a tiny
/// activation scale made the classifier's int32 bias saturate. Biases now widen the weight scale
/// (TFLite's fix), unrepresentable scales stop the conversion naming the layer, and so does an int8
/// output below 10 dB SQNR.
/// </summary>
public sealed class NearZeroRangeTests
{
    [Fact]
    public void GoogLeNet_like_tiny_activations_convert_to_a_live_output()
    {
        var result = NumericsModels.Convert("near_zero_classifier");

        // The case is reproduced: at the classifier, bias / (in_scale * w_scale) is far beyond int32.
        var fc = result.Graph.Nodes.Single(n => n.OpType == "Gemm");
        var input = ActivationQuantization.From(result.Calibration.Ranges[fc.Inputs[0]]);
        var weights = result.Graph.GetValue(fc.Inputs[1]).Constant!.AsFloats();
        var bias = result.Graph.GetValue(fc.Inputs[2]).Constant!.AsFloats();
        int inputs = weights.Length / bias.Length;
        double worst = 0;
        for (int c = 0; c < bias.Length; c++)
        {
            float maxAbs = weights.AsSpan(c * inputs, inputs).ToArray().Max(MathF.Abs);
            worst = Math.Max(worst, Math.Abs(bias[c] / ((double)input.Scale * QuantMath.SymmetricWeightScale(maxAbs))));
        }
        Assert.True(worst > int.MaxValue, $"the test model no longer saturates the bias ({worst:G3}); regenerate it as make_numerics_models.py describes");

        var report = result.Report!;
        Assert.True(report.OutputSqnrDb > 30, $"output SQNR {report.OutputSqnrDb:F1} dB");
        Assert.True(report.Top1Agreement >= 0.9, $"top-1 agreement {report.Top1Agreement:P1}");
    }

    [Fact]
    public void A_bias_beyond_the_accumulator_widens_the_weight_scale_and_keeps_its_value()
    {
        float[] weights = [0.01f, -0.005f, 0.002f, 0.03f];
        float[] bias = [0.1f, 0.0f];
        const float inScale = 1e-12f, outScale = 0.001f;
        var layer = LayerQuantization.PerOutputChannel("node fc", weights, 2, bias, inScale, outScale);
        Assert.Equal(1, layer.WidenedChannels);
        Assert.True(Math.Abs((double)layer.Bias[0]) <= LayerQuantization.BiasLimit);
        double restored = layer.Bias[0] * (double)(inScale * layer.Scales[0]);
        Assert.True(Math.Abs(restored - 0.1) < 1e-6, $"bias restores to {restored}");
        Assert.Equal(QuantMath.SymmetricWeightScale(0.03f), layer.Scales[1]); // the other channel keeps its scale
    }

    [Fact]
    public void A_multiplier_float32_cannot_hold_stops_the_conversion_naming_the_layer()
    {
        float[] weights = [1e-30f, 2e-30f];
        var e = Assert.Throws<ConversionException>(() =>
            LayerQuantization.PerOutputChannel("node Conv 'the_conv'", weights, 1, [], 1e-12f, 1f));
        Assert.Contains("the_conv", e.Message);
        Assert.Contains("output channel 0", e.Message);
    }

    [Fact]
    public void A_range_narrower_than_the_minimum_widens_to_it()
    {
        var q = ActivationQuantization.From(new ActivationRange(0f, 1e-30f));
        Assert.True(q.Scale >= ActivationQuantization.MinimumRange / 256f, $"scale {q.Scale:G3}");
        Assert.True(float.IsNormal(q.Scale * 1e-6f));
        var ordinary = ActivationQuantization.From(new ActivationRange(-1e-10f, 2e-10f));
        Assert.Equal(QuantMath.AsymmetricParams(-1e-10f, 2e-10f).Scale, ordinary.Scale); // real ranges are untouched
    }

    [Fact]
    public void A_dead_int8_output_is_refused_naming_the_first_layer_below_10_dB()
    {
        var report = new QuantizationReport
        {
            Samples = 4,
            Top1Agreement = 0.1,
            OutputSqnrDb = 0.0,
            Layers =
            [
                new LayerAccuracy("conv1", "Conv2D", "a", [1, 8, 8, 4], 35.0),
                new LayerAccuracy("fc", "FullyConnected", "b", [1, 10], 0.0),
                new LayerAccuracy("out", "Dequantize", "c", [1, 10], 0.0),
            ],
        };
        var e = Assert.Throws<ConversionException>(() => report.RequireUsableOutput(OnnxConversion.MinimumOutputSqnrDb));
        Assert.Contains("fc (FullyConnected, 0.0 dB)", e.Message);
        new QuantizationReport { Samples = 4, Top1Agreement = 1, OutputSqnrDb = 25, Layers = report.Layers }.RequireUsableOutput(10);
    }
}
