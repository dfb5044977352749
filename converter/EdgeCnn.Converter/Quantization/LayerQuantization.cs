using EdgeCnn.Converter.Graph;
using EdgeCnn.Quantization;

namespace EdgeCnn.Converter.Quantization;

/// <summary>The int8 weights, their per-channel scales and the int32 bias of one layer.</summary>
public sealed record QuantizedLayer(sbyte[] Weights, float[] Scales, int[] Bias, int WidenedChannels);

/// <summary>
/// Weights and bias of a convolution or fully connected layer quantized together, so that every value
/// the int8 layer needs is representable, or the conversion stops naming the layer:
/// <list type="bullet">
/// <item>A bias must fit the int32 accumulator with room for the products: |bias / (in_scale * w_scale[c])|
/// at most <see cref="BiasLimit"/> = 2^30 (K * 127 * 128 stays below 2^30 for K below 66 000 inputs, and
/// the x86 kernels fold 128 * sum(w) into it). Where a bias does not fit, the channel's weight scale
/// is widened until it does, as TFLite's quantizer does (AdjustWeightsForBiasScale), instead of
/// saturating the bias as before: that happens when the input's range is tiny next to the bias (a
/// randomly initialized GoogLeNet's classifier sees activations of 1e-11 and biases of 0.03), and then
/// the weights' contribution is far below one step of the output anyway; the float-vs-int8 check after
/// conversion catches a layer where widening cost real precision.</item>
/// <item>The accumulator scale in_scale * w_scale[c] and the requantization multiplier
/// in_scale * w_scale[c] / out_scale (both float32, as the runtime computes them) must be normal
/// floats: not 0, not subnormal, not infinite.</item>
/// </list>
/// </summary>
public static class LayerQuantization
{
    public const double BiasLimit = 1 << 30;

    /// <param name="layer">The layer, named in errors.</param>
    /// <param name="channelOf">The output channel of weight element i.</param>
    public static QuantizedLayer Quantize(string layer, ReadOnlySpan<float> weights, int channels, Func<int, int> channelOf,
        ReadOnlySpan<float> bias, float inScale, float outScale)
    {
        if (!bias.IsEmpty && bias.Length != channels)
            throw new ConversionException($"{layer}: bias has {bias.Length} values for {channels} output channels");
        var maxAbs = new float[channels];
        for (int i = 0; i < weights.Length; i++)
        {
            int c = channelOf(i);
            maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(weights[i]));
        }
        var scales = new float[channels];
        int widened = 0;
        for (int c = 0; c < channels; c++)
        {
            float b = bias.IsEmpty ? 0f : bias[c];
            if (!float.IsFinite(b)) throw new ConversionException($"{layer}: bias of output channel {c} is {b}");
            scales[c] = QuantMath.SymmetricWeightScale(maxAbs[c]);
            if (WidenForBias(b, inScale, ref scales[c])) widened++;
            CheckScales(layer, c, inScale, scales[c], outScale);
        }
        var values = new sbyte[weights.Length];
        for (int i = 0; i < weights.Length; i++) values[i] = QuantMath.QuantizeWeight(weights[i], scales[channelOf(i)]);
        var quantizedBias = new int[channels];
        for (int c = 0; c < channels; c++)
            quantizedBias[c] = QuantMath.QuantizeBias(bias.IsEmpty ? 0f : bias[c], inScale, scales[c]);
        return new QuantizedLayer(values, scales, quantizedBias, widened);
    }

    /// <summary>Per-channel layer whose weights have the output channel outermost ([O, ...]).</summary>
    public static QuantizedLayer PerOutputChannel(string layer, ReadOnlySpan<float> weights, int channels,
        ReadOnlySpan<float> bias, float inScale, float outScale)
    {
        int perChannel = weights.Length / channels;
        return Quantize(layer, weights, channels, i => i / perChannel, bias, inScale, outScale);
    }

    /// <summary>Per-channel layer whose weights have the channel innermost ([..., C], depthwise 1HWC).</summary>
    public static QuantizedLayer PerInnermostChannel(string layer, ReadOnlySpan<float> weights, int channels,
        ReadOnlySpan<float> bias, float inScale, float outScale) =>
        Quantize(layer, weights, channels, i => i % channels, bias, inScale, outScale);

    /// <summary>
    /// Raises <paramref name="weightScale"/> until the quantized bias is within <see cref="BiasLimit"/>;
    /// true when it had to.
    /// </summary>
    internal static bool WidenForBias(float bias, float inScale, ref float weightScale)
    {
        if (Math.Abs((double)bias / (inScale * weightScale)) <= BiasLimit) return false;
        weightScale = (float)(Math.Abs((double)bias) / (inScale * BiasLimit));
        // The float32 product in_scale * w_scale may round down; step up until the bias fits.
        while (float.IsFinite(weightScale) && Math.Abs((double)bias / (inScale * weightScale)) > BiasLimit)
            weightScale = MathF.BitIncrement(weightScale);
        return true;
    }

    private static void CheckScales(string layer, int channel, float inScale, float weightScale, float outScale)
    {
        float accumulatorScale = inScale * weightScale;
        float multiplier = QuantMath.Multiplier(inScale, weightScale, outScale);
        if (!float.IsNormal(accumulatorScale) || !float.IsNormal(multiplier))
            throw new ConversionException(
                $"{layer}: output channel {channel} cannot be quantized: input scale {inScale:G6} x weight scale {weightScale:G6} / output scale {outScale:G6} " +
                $"gives accumulator scale {accumulatorScale:G6} and multiplier {multiplier:G6}, which float32 cannot represent " +
                "(the activations or weights of this layer are out of proportion; check the model's weights and the calibration images)");
    }
}
