using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Quantization;

/// <summary>
/// Top-1 agreement of two outputs in one layout. The float executor gives NCHW and the int8 session
/// NHWC; both are compared as NHWC (<see cref="QuantizationReport.ToNhwc"/>), so a feature map is
/// compared pixel by pixel (the class with the highest score at each pixel) and a classifier's
/// [N, classes] output is one "pixel" per image.
/// </summary>
public static class OutputAgreement
{
    /// <summary>How many pixels of <paramref name="a"/> and <paramref name="b"/> (both NHWC, channels
    /// innermost) have the same top-1 channel, out of how many pixels.</summary>
    public static (int Agreeing, int Pixels) Count(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels)
    {
        if (channels < 1 || a.Length != b.Length || a.Length % channels != 0)
            throw new ArgumentException($"outputs of {a.Length} and {b.Length} values cannot be compared as pixels of {channels} channels");
        int pixels = a.Length / channels, agreeing = 0;
        for (int p = 0; p < pixels; p++)
            if (QuantizationReport.ArgMax(a.Slice(p * channels, channels)) == QuantizationReport.ArgMax(b.Slice(p * channels, channels)))
                agreeing++;
        return (agreeing, pixels);
    }

    /// <summary>The float executor's output in the int8 session's layout (NCHW feature maps become NHWC).</summary>
    public static float[] InSessionLayout(Tensor floatOutput) => QuantizationReport.ToNhwc(floatOutput);
}
