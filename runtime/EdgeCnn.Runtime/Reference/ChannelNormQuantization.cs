using EdgeCnn.Quantization;

namespace EdgeCnn.Reference;

/// <summary>
/// The constants of int8 LayerNorm and L2Norm over the last axis (C channels), prepared once from the
/// scales. Both work on d = x - inZp in integers: per row S = sum d, Q = sum d^2 (exact, int64), so the
/// statistics carry no rounding; only the per-row multiplier and the output stage are float.
/// <para>LayerNorm: V = C * Q - S^2 (= C^2 * variance of d, exact);
/// m = (float)(1 / sqrt((double)V + EpsilonTerm)) with EpsilonTerm = (double)C * C * epsilon / ((double)inScale * inScale);
/// out_i = ToInt8(((float)(C * d_i - S) * m) * Gain[i] + Offset[i], outZp, qmin, qmax), Gain[i] = gamma[i] / outScale,
/// Offset[i] = beta[i] / outScale (float32; two multiplies and one add, no FMA).</para>
/// <para>L2Norm: m = (float)(1 / (max(sqrt((double)Q), EpsilonTerm) * outScale)) with EpsilonTerm = (double)epsilon / inScale;
/// out_i = Requantize(d_i, m, outZp, qmin, qmax).</para>
/// A row with V = 0 (LayerNorm) or Q = 0 (L2Norm) gets m = 0: the output is Offset (LayerNorm) or the zero point (L2Norm).
/// L2Norm's m is capped at float.MaxValue.
/// </summary>
public sealed class ChannelNormQuantization
{
    /// <summary>Largest C: keeps C * d_i - S (|.| &lt;= 2 * C * 255) exact in float32 and the int32 lane sums of Q from overflowing.</summary>
    public const int MaxChannels = 32768;

    public int Channels { get; }
    public int InZp { get; }
    public int OutZp { get; }
    public int QMin { get; }
    public int QMax { get; }
    public double EpsilonTerm { get; }
    /// <summary>gamma / outScale per channel (LayerNorm only).</summary>
    public float[] Gain { get; }
    /// <summary>beta / outScale per channel (LayerNorm only).</summary>
    public float[] Offset { get; }
    private readonly float _outScale;

    private ChannelNormQuantization(int channels, int inZp, int outZp, int qmin, int qmax, double epsilonTerm, float[] gain, float[] offset, float outScale)
    {
        Channels = channels;
        InZp = inZp;
        OutZp = outZp;
        QMin = qmin;
        QMax = qmax;
        EpsilonTerm = epsilonTerm;
        Gain = gain;
        Offset = offset;
        _outScale = outScale;
    }

    public static ChannelNormQuantization LayerNorm(int channels, float inScale, int inZp, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, float outScale, int outZp, int qmin, int qmax)
    {
        Validate(channels, inScale, inZp, epsilon, outScale, outZp, qmin, qmax);
        Check.Length(gamma, channels, nameof(gamma));
        Check.Length(beta, channels, nameof(beta));
        var gain = new float[channels];
        var offset = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            gain[c] = gamma[c] / outScale;
            offset[c] = beta[c] / outScale;
            if (!float.IsFinite(gain[c]) || !float.IsFinite(offset[c]))
                throw new ArgumentException($"gamma[{c}] = {gamma[c]} or beta[{c}] = {beta[c]} over the output scale {outScale} is not finite");
        }
        double term = (double)channels * channels * epsilon / ((double)inScale * inScale);
        if (!double.IsFinite(term)) throw new ArgumentException($"epsilon {epsilon} over the input scale {inScale} squared is not finite");
        return new(channels, inZp, outZp, qmin, qmax, term, gain, offset, outScale);
    }

    public static ChannelNormQuantization L2Norm(int channels, float inScale, int inZp, float epsilon, float outScale, int outZp, int qmin, int qmax)
    {
        Validate(channels, inScale, inZp, epsilon, outScale, outZp, qmin, qmax);
        double term = (double)epsilon / inScale;
        if (!double.IsFinite(term)) throw new ArgumentException($"epsilon {epsilon} over the input scale {inScale} is not finite");
        return new(channels, inZp, outZp, qmin, qmax, term, [], [], outScale);
    }

    private static void Validate(int channels, float inScale, int inZp, float epsilon, float outScale, int outZp, int qmin, int qmax)
    {
        if (channels < 1 || channels > MaxChannels) throw new ArgumentException($"channel count {channels} is outside [1, {MaxChannels}]", nameof(channels));
        if (!(inScale > 0f) || !float.IsFinite(inScale)) throw new ArgumentException($"input scale {inScale} must be positive and finite", nameof(inScale));
        if (!(outScale > 0f) || !float.IsFinite(outScale)) throw new ArgumentException($"output scale {outScale} must be positive and finite", nameof(outScale));
        if (!(epsilon >= 0f) || !float.IsFinite(epsilon)) throw new ArgumentException($"epsilon {epsilon} must be finite and not negative", nameof(epsilon));
        new ConvQuantization(inZp, outZp, qmin, qmax).Validate();
    }

    /// <summary>LayerNorm's per-row multiplier from S and Q (see the class summary).</summary>
    public float LayerNormMultiplier(long sum, long sumOfSquares)
    {
        long v = Channels * sumOfSquares - sum * sum;
        // V = 0 means a constant row: every C * d_i - S is 0 and m does not matter; 0 keeps it finite.
        // Otherwise V >= 1 (an integer), so m <= 1.
        return v == 0 ? 0f : (float)(1.0 / Math.Sqrt((double)v + EpsilonTerm));
    }

    /// <summary>L2Norm's per-row multiplier from Q (see the class summary).</summary>
    public float L2NormMultiplier(long sumOfSquares)
    {
        // Q = 0 means every d_i is 0 and m does not matter. A huge m is capped at float.MaxValue so that
        // 0 * m stays 0 (never NaN); the clamp to [qmin, qmax] handles the rest.
        if (sumOfSquares == 0) return 0f;
        double denominator = Math.Max(Math.Sqrt((double)sumOfSquares), EpsilonTerm) * _outScale;
        return (float)Math.Min(1.0 / denominator, float.MaxValue);
    }

    /// <summary>One LayerNorm output from t = C * d_i - S and the row multiplier.</summary>
    public sbyte LayerNormOutput(int t, float m, int channel) =>
        QuantMath.ToInt8((float)t * m * Gain[channel] + Offset[channel], OutZp, QMin, QMax);
}
