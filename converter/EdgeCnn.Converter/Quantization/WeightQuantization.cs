using EdgeCnn.Quantization;

namespace EdgeCnn.Converter.Quantization;

/// <summary>
/// Symmetric per-channel int8 weights in [-127, 127] (DESIGN.md section 2) and int32 biases at the
/// accumulator scale in_scale * w_scale[c], through the runtime's <see cref="QuantMath"/> so converter
/// and kernels agree on every rounding.
/// </summary>
public static class WeightQuantization
{
    /// <summary>
    /// Quantizes <paramref name="weights"/>, laid out with the output channel given by
    /// <paramref name="channelOf"/>(element index), with one scale per channel: max |w| / 127.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) PerChannel(ReadOnlySpan<float> weights, int channels, Func<int, int> channelOf)
    {
        var maxAbs = new float[channels];
        for (int i = 0; i < weights.Length; i++)
        {
            int c = channelOf(i);
            maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(weights[i]));
        }
        var scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = QuantMath.SymmetricWeightScale(maxAbs[c]);
        var values = new sbyte[weights.Length];
        for (int i = 0; i < weights.Length; i++) values[i] = QuantMath.QuantizeWeight(weights[i], scales[channelOf(i)]);
        return (values, scales);
    }

    /// <summary>Per-channel quantization of weights whose outermost axis is the channel ([O, ...]).</summary>
    public static (sbyte[] Values, float[] Scales) PerOutputChannel(ReadOnlySpan<float> weights, int channels)
    {
        int perChannel = weights.Length / channels;
        return PerChannel(weights, channels, i => i / perChannel);
    }

    /// <summary>Per-channel quantization of weights whose innermost axis is the channel ([..., C], depthwise 1HWC).</summary>
    public static (sbyte[] Values, float[] Scales) PerInnermostChannel(ReadOnlySpan<float> weights, int channels) =>
        PerChannel(weights, channels, i => i % channels);

    /// <summary>
    /// int32 bias: round_half_even(b[c] / (inScale * wScale[c])). A bias beyond
    /// <see cref="LayerQuantization.BiasLimit"/> is an error, never saturated: layers with weights and a
    /// bias quantize through <see cref="LayerQuantization"/>, which widens the weight scale instead.
    /// </summary>
    public static int[] Bias(ReadOnlySpan<float> bias, float inScale, ReadOnlySpan<float> weightScales)
    {
        var result = new int[weightScales.Length];
        for (int c = 0; c < result.Length; c++)
        {
            float b = bias.IsEmpty ? 0f : bias[c];
            if (!(Math.Abs((double)b / (inScale * weightScales[c])) <= LayerQuantization.BiasLimit))
                throw new Graph.ConversionException($"bias {b:G6} of channel {c} does not fit the int32 accumulator at scale {inScale:G6} x {weightScales[c]:G6}");
            result[c] = QuantMath.QuantizeBias(b, inScale, weightScales[c]);
        }
        return result;
    }
}
