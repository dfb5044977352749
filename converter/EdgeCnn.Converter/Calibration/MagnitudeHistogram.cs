namespace EdgeCnn.Converter.Calibration;

/// <summary>
/// A histogram of magnitudes |x| over [0, Range) in <see cref="Bins"/> equal bins that grows as values
/// arrive: when a value exceeds the range, adjacent bin pairs merge and the range doubles, so one pass
/// over the calibration data suffices (no separate min/max pass).
/// </summary>
public sealed class MagnitudeHistogram
{
    public const int Bins = 2048;

    private readonly long[] _counts = new long[Bins];

    /// <summary>Upper end of the covered range; 0 until a non-zero value arrives.</summary>
    public double Range { get; private set; }
    public long Total { get; private set; }
    public ReadOnlySpan<long> Counts => _counts;
    public double BinWidth => Range / Bins;

    public void Add(float magnitude)
    {
        double m = magnitude;
        if (!(m >= 0) || double.IsInfinity(m)) return; // NaN / inf cannot be represented anyway
        if (m > 0 && Range == 0) Range = m * 1.0000001;
        while (m >= Range && Range > 0) Grow();
        int bin = Range == 0 ? 0 : (int)(m / Range * Bins);
        _counts[Math.Min(bin, Bins - 1)]++;
        Total++;
    }

    /// <summary>
    /// True when no magnitude up to <paramref name="largest"/> would make <see cref="Add"/> grow the
    /// range (nothing to add, or all of it below the current range), so <see cref="AddHeld"/> may be used.
    /// </summary>
    public bool Holds(float largest) => largest <= 0 || (Range > 0 && (double)largest < Range);

    /// <summary><see cref="Add"/> for a positive magnitude that <see cref="Holds"/> vouched for: the same bin.</summary>
    internal void AddHeld(float magnitude)
    {
        double m = magnitude;
        int bin = (int)(m / Range * Bins);
        _counts[Math.Min(bin, Bins - 1)]++;
        Total++;
    }

    private void Grow()
    {
        for (int i = 0; i < Bins / 2; i++) _counts[i] = _counts[2 * i] + _counts[2 * i + 1];
        Array.Clear(_counts, Bins / 2, Bins / 2);
        Range *= 2;
    }

    /// <summary>Adds another histogram's counts, re-binned onto this one's range (used to merge the signed halves).</summary>
    public void AddAll(MagnitudeHistogram other)
    {
        if (other.Total == 0) return;
        for (int i = 0; i < Bins; i++)
        {
            long count = other._counts[i];
            if (count == 0) continue;
            float center = (float)((i + 0.5) * other.BinWidth);
            double m = center;
            if (m > 0 && Range == 0) Range = other.Range;
            while (m >= Range) Grow();
            int bin = Range == 0 ? 0 : (int)(m / Range * Bins);
            _counts[Math.Min(bin, Bins - 1)] += count;
            Total += count;
        }
    }
}
