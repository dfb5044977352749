using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Quantization;

namespace EdgeCnn.Converter.Quantization;

/// <summary>Scale and zero point of an int8 activation (real = scale * (q - zeroPoint)).</summary>
public readonly record struct ActivationQuantization(float Scale, int ZeroPoint)
{
    /// <summary>
    /// The smallest range an activation is given (a scale of 2^-64): ONNX Runtime's quantizer has the
    /// same idea (MinimumRealRange, and scale 1 below float32's smallest normal). Narrower ranges widen
    /// to it, so that products and ratios of scales (accumulator scales, multipliers) stay normal float32
    /// values; values that small quantize to 0, which is what they are next to anything else in a CNN.
    /// </summary>
    public const float MinimumRange = 255f / (1UL << 63) / 2f;

    /// <summary>Asymmetric parameters covering the range (which always contains 0), at least <see cref="MinimumRange"/> wide.</summary>
    public static ActivationQuantization From(ActivationRange range)
    {
        float min = range.Min, max = range.Max, width = max - min;
        if (width > 0f && width < MinimumRange)
        {
            float widen = MinimumRange / width;
            (min, max) = (min * widen, max * widen);
        }
        var (scale, zp) = QuantMath.AsymmetricParams(min, max);
        return new ActivationQuantization(scale, zp);
    }

    /// <summary>
    /// The output clamp [qmin, qmax] a fused activation imposes in this quantization: ReLU floors at the
    /// zero point, ReLU6 also caps at Quantize(6), a general Clip at Quantize(min) and Quantize(max).
    /// </summary>
    public (int QMin, int QMax) Clamp(Graph.FusedActivation activation)
    {
        int qmin = sbyte.MinValue, qmax = sbyte.MaxValue;
        if (activation.IsNone) return (qmin, qmax);
        if (!float.IsNegativeInfinity(activation.Min)) qmin = Math.Max(qmin, QuantMath.Quantize(activation.Min, Scale, ZeroPoint));
        if (!float.IsPositiveInfinity(activation.Max)) qmax = Math.Min(qmax, QuantMath.Quantize(activation.Max, Scale, ZeroPoint));
        if (qmax < qmin) qmax = qmin; // a clip range narrower than one step collapses to a constant
        return (qmin, qmax);
    }

    public override string ToString() => $"scale {Scale:G6} zp {ZeroPoint}";
}
