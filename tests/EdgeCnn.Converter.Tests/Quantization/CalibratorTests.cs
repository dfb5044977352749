using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Quantization;

public class CalibratorTests
{
    /// <summary>x -> Relu -> h -> Relu -> y over inputs with one far outlier per sample.</summary>
    private static CalibrationResult Calibrate(CalibrationMethod method)
    {
        var g = new SmallGraph(9, "x", [1, 1, 32, 32]);
        g.Node("Relu", ["x"], "h");
        g.Node("Relu", ["h"], "y");
        g.Output("y");
        var random = new Random(3);
        var inputs = Enumerable.Range(0, 8).Select(_ =>
        {
            var data = new float[1024];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
            data[0] = 40f;
            return new Tensor([1, 1, 32, 32], data);
        }).ToArray();
        return Calibrator.Run(g.Graph, inputs.Length, i => inputs[i], new CalibrationOptions { Method = method, Percentile = 99 });
    }

    [Fact]
    public void RecordsEveryActivation_WithItsShape()
    {
        var c = Calibrate(CalibrationMethod.MinMax);
        Assert.Equal(["h", "x", "y"], c.Ranges.Keys.Order());
        Assert.Equal([1, 1, 32, 32], c.Shapes["h"]);
        Assert.Equal(40f, c.Ranges["h"].Max);
        Assert.Equal(0f, c.Ranges["h"].Min);
    }

    [Fact]
    public void ClippingMethods_ClipInnerValues_ButNotTheGraphInputOrOutput()
    {
        var c = Calibrate(CalibrationMethod.Percentile);
        Assert.True(c.Ranges["h"].Max < 5f, $"inner value range {c.Ranges["h"]}");
        Assert.Equal(40f, c.Ranges["x"].Max);
        Assert.Equal(40f, c.Ranges["y"].Max);
    }

    [Fact]
    public void MinMax_IsTheExactExtremesOfEveryImage_WhateverTheThreadCount()
    {
        var g = new SmallGraph(11, "x", [1, 3, 9, 9]);
        g.Node("Conv", ["x", g.Weights("w", [5, 3, 3, 3]), g.Weights("b", [5])], "c").Activation = FusedActivation.Relu6;
        g.Node("Conv", ["c", g.Weights("w2", [4, 5, 1, 1])], "p");
        g.Node("Flatten", ["p"], "y");
        g.Output("y");
        var inputs = Enumerable.Range(0, 7).Select(_ => g.RandomInput([1, 3, 9, 9], -3f, 3f)).ToArray();
        var expected = new Dictionary<string, (float Min, float Max, long Count)>();
        var executor = new EdgeCnn.Converter.FloatExecution.FloatExecutor(g.Graph);
        foreach (var x in inputs)
            foreach (var (name, t) in executor.RunAll(new Dictionary<string, Tensor> { ["x"] = x }))
            {
                if (g.Graph.IsConstant(name)) continue;
                var (min, max, count) = expected.GetValueOrDefault(name, (float.PositiveInfinity, float.NegativeInfinity, 0));
                foreach (var v in t.AsFloats()) { min = Math.Min(min, v); max = Math.Max(max, v); }
                expected[name] = (min, max, count + t.Length);
            }
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var c = Calibrator.Run(g.Graph, inputs.Length, i => inputs[i], new CalibrationOptions { Threads = threads });
            Assert.Equal(expected.Keys.Order(), c.Statistics.Keys.Order());
            foreach (var (name, (min, max, count)) in expected)
            {
                var s = c.Statistics[name];
                Assert.Equal((min, max, count), (s.Min, s.Max, s.Count));
            }
            Assert.Equal([1, 196], c.Shapes["y"]);
        }
    }
}
