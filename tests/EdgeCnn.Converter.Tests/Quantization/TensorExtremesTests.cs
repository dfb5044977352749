using EdgeCnn.Converter.Calibration;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>The vector min/max pass against a plain loop: lengths around the unrolled width, NaN anywhere.</summary>
public sealed class TensorExtremesTests
{
    [Theory]
    [InlineData(0, -1)]
    [InlineData(1, -1)]
    [InlineData(31, -1)]
    [InlineData(32, 5)]
    [InlineData(64, -1)]
    [InlineData(100, 0)]
    [InlineData(100, 99)]
    [InlineData(1000, 517)]
    public void Match_a_plain_loop_that_skips_NaN(int length, int nanAt)
    {
        var rnd = new Random(length + nanAt);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = rnd.NextSingle() * 20 - 10;
        if (nanAt >= 0) values[nanAt] = float.NaN;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        Assert.Equal((min, max), TensorStatistics.Extremes(values));
    }

    [Fact]
    public void All_NaN_gives_no_extremes()
    {
        var values = Enumerable.Repeat(float.NaN, 70).ToArray();
        Assert.Equal((float.PositiveInfinity, float.NegativeInfinity), TensorStatistics.Extremes(values));
    }
}
