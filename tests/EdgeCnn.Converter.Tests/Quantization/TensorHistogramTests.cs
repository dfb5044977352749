using EdgeCnn.Converter.Calibration;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>
/// Histogram filling with its fast path (values already inside the ranges) against MagnitudeHistogram.Add
/// value by value, over tensors that set the ranges, stay inside them, and grow them.
/// </summary>
public sealed class TensorHistogramTests
{
    [Fact]
    public void Equals_adding_value_by_value()
    {
        var rnd = new Random(17);
        var stats = new TensorStatistics();
        var positive = new MagnitudeHistogram();
        var negative = new MagnitudeHistogram();
        foreach (float scale in new[] { 1f, 0.5f, 0.9f, 3f, 1f, 40f, 2f })
        {
            var values = new float[1003]; // a scalar tail after the vectors
            for (int i = 0; i < values.Length; i++)
                values[i] = i % 7 == 0 ? 0f : (rnd.NextSingle() * 2 - 1) * scale;
            values[3] = float.NaN;
            values[10] = -0f;
            if (scale == 3f) values[20] = float.PositiveInfinity;
            stats.Add(values, withHistogram: true);
            foreach (var v in values)
            {
                if (v > 0) positive.Add(v);
                else if (v < 0) negative.Add(-v);
            }
            Assert.Equal(positive.Range, stats.Positive.Range);
            Assert.Equal(negative.Range, stats.Negative.Range);
            Assert.Equal(positive.Total, stats.Positive.Total);
            Assert.Equal(negative.Total, stats.Negative.Total);
            Assert.Equal(positive.Counts.ToArray(), stats.Positive.Counts.ToArray());
            Assert.Equal(negative.Counts.ToArray(), stats.Negative.Counts.ToArray());
        }
    }
}
