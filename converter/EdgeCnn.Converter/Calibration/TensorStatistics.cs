using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        // Exact zeros (half of a ReLU output) stay out of the histograms: every range contains 0, so
        // they quantize without error whatever the threshold, and as a spike in the first bin they
        // would make entropy calibration favor absurdly small thresholds. NaN compares false both ways.
        var (min, max) = Extremes(values);
        if (Positive.Holds(max) && Negative.Holds(-min))
        {
            // No value will grow either histogram (the usual case once the first images have set the
            // ranges): the same bins as Add, without its growth checks.
            foreach (float v in values)
            {
                if (v > 0) Positive.AddHeld(v);
                else if (v < 0) Negative.AddHeld(-v);
            }
        }
        else
            foreach (float v in values)
            {
                if (v > 0) Positive.Add(v);
                else if (v < 0) Negative.Add(-v);
            }
        AddExtremes(min, max, values.Length);
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
    /// The smallest and largest values, NaN skipped (+inf / -inf when there are none). Min and max of a
    /// set do not depend on the order it is visited in, so extremes found image by image on any thread
    /// and then combined are those of one pass over everything.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Min, float Max) Extremes(ReadOnlySpan<float> values)
    {
        // Fast pass: four independent vector minima and maxima. Each lane keeps the smaller/larger
        // operand; what a NaN does there differs by CPU (kept or dropped), so a NaN in the result sends
        // the tensor to the pass that skips NaN explicitly.
        int lanes = Vector<float>.Count, i = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        if (Vector.IsHardwareAccelerated && values.Length >= 4 * lanes)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            var min0 = Vector.LoadUnsafe(ref start); var min1 = min0; var min2 = min0; var min3 = min0;
            var max0 = min0; var max1 = min0; var max2 = min0; var max3 = min0;
            for (; i <= values.Length - 4 * lanes; i += 4 * lanes)
            {
                var v0 = Vector.LoadUnsafe(ref start, (nuint)i);
                var v1 = Vector.LoadUnsafe(ref start, (nuint)(i + lanes));
                var v2 = Vector.LoadUnsafe(ref start, (nuint)(i + 2 * lanes));
                var v3 = Vector.LoadUnsafe(ref start, (nuint)(i + 3 * lanes));
                min0 = Vector.MinNative(v0, min0); max0 = Vector.MaxNative(v0, max0);
                min1 = Vector.MinNative(v1, min1); max1 = Vector.MaxNative(v1, max1);
                min2 = Vector.MinNative(v2, min2); max2 = Vector.MaxNative(v2, max2);
                min3 = Vector.MinNative(v3, min3); max3 = Vector.MaxNative(v3, max3);
            }
            var vmin = Vector.Min(Vector.Min(min0, min1), Vector.Min(min2, min3));
            var vmax = Vector.Max(Vector.Max(max0, max1), Vector.Max(max2, max3));
            for (int lane = 0; lane < lanes; lane++)
            {
                min = MathF.Min(min, vmin[lane]);
                max = MathF.Max(max, vmax[lane]);
            }
            if (float.IsNaN(min) || float.IsNaN(max)) return SkippingNaN(values);
        }
        for (; i < values.Length; i++)
        {
            float v = values[i];
            if (v < min) min = v; // NaN compares false both ways
            if (v > max) max = v;
        }
        return (min, max);
    }

    private static (float Min, float Max) SkippingNaN(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in values)
        {
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
