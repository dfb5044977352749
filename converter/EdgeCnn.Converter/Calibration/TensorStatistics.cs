using System.Numerics;
using System.Runtime.CompilerServices;

namespace EdgeCnn.Converter.Calibration;

/// <summary>Everything calibration keeps about one activation: exact extremes and signed histograms.</summary>
public sealed class TensorStatistics
{
    public float Min { get; private set; } = float.PositiveInfinity;
    public float Max { get; private set; } = float.NegativeInfinity;
    public long Count { get; private set; }
    /// <summary>Histogram of the positive values.</summary>
    public MagnitudeHistogram Positive { get; } = new();
    /// <summary>Histogram of -x for the negative values.</summary>
    public MagnitudeHistogram Negative { get; } = new();

    public void Add(ReadOnlySpan<float> values, bool withHistogram)
    {
        if (!withHistogram)
        {
            AddExtremes(values);
            return;
        }
        float min = Min, max = Max;
        foreach (float v in values)
        {
            if (float.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
            // Exact zeros (half of a ReLU output) stay out of the histograms: every range contains 0, so
            // they quantize without error whatever the threshold, and as a spike in the first bin they
            // would make entropy calibration favor absurdly small thresholds.
            if (withHistogram && v != 0)
            {
                if (v > 0) Positive.Add(v);
                else Negative.Add(-v);
            }
        }
        Min = min;
        Max = max;
        Count += values.Length;
    }

    /// <summary>Min-max calibration needs only the extremes.</summary>
    private void AddExtremes(ReadOnlySpan<float> values)
    {
        var (min, max) = Extremes(values);
        AddExtremes(min, max, values.Length);
    }

    /// <summary>Adds the extremes of <paramref name="count"/> values seen elsewhere (see <see cref="Extremes"/>).</summary>
    public void AddExtremes(float min, float max, long count)
    {
        if (min < Min) Min = min; // NaN compares false both ways
        if (max > Max) Max = max;
        Count += count;
    }

    /// <summary>
    /// The smallest and largest values, NaN skipped (+inf / -inf when there are none): a vector pass.
    /// Min and max of a set do not depend on the order it is visited in, so extremes found image by image
    /// on any thread and then combined are those of one pass over everything.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Min, float Max) Extremes(ReadOnlySpan<float> values)
    {
        var vmin = new Vector<float>(float.PositiveInfinity);
        var vmax = new Vector<float>(float.NegativeInfinity);
        var positiveInfinity = vmin;
        var negativeInfinity = vmax;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values[i..]);
                var isNumber = Vector.Equals(v, v);
                vmin = Vector.Min(vmin, Vector.ConditionalSelect(isNumber, v, positiveInfinity));
                vmax = Vector.Max(vmax, Vector.ConditionalSelect(isNumber, v, negativeInfinity));
            }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
        {
            min = MathF.Min(min, vmin[lane]);
            max = MathF.Max(max, vmax[lane]);
        }
        for (; i < values.Length; i++)
        {
            float v = values[i];
            if (v < min) min = v; // NaN compares false both ways
            if (v > max) max = v;
        }
        return (min, max);
    }

    /// <summary>Histogram of |x| over all values (the symmetric view entropy and MSE calibration search).</summary>
    public MagnitudeHistogram Magnitudes()
    {
        var all = new MagnitudeHistogram();
        all.AddAll(Positive);
        all.AddAll(Negative);
        return all;
    }
}
