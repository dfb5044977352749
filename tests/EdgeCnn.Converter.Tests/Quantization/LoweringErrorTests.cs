using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Lowering;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>Every refusal names the node and says what is wrong.</summary>
public class LoweringErrorTests
{
    private static ConversionException LowerFails(SmallGraph g, int[] nchw)
    {
        var input = g.RandomInput(nchw, -1, 1);
        var calibration = Calibrator.Run(g.Graph, 1, _ => input, new CalibrationOptions());
        return Assert.Throws<ConversionException>(() => Int8Lowering.Lower(g.Graph, calibration));
    }

    [Fact]
    public void UnsupportedOperator_NamesOperatorNodeAndSupportedList()
    {
        var g = new SmallGraph(1, "x", [1, 2, 4, 4]);
        g.Node("LRN", ["x"], "y", ("size", NodeAttribute.Of(3L)));
        g.Output("y");
        var e = LowerFails(g, [1, 2, 4, 4]);
        Assert.Contains("'LRN'", e.Message);
        Assert.Contains("y_node", e.Message);
        Assert.Contains("supported operators:", e.Message);
        Assert.Contains("Conv", e.Message);
    }

    [Fact]
    public void Every_operator_without_an_int8_lowering_is_listed_once_with_its_first_node()
    {
        var g = new SmallGraph(3, "x", [1, 2, 4, 4]);
        g.Node("LRN", ["x"], "a", ("size", NodeAttribute.Of(3L)));
        g.Node("LpNormalization", ["a"], "b", ("p", NodeAttribute.Of(1L)), ("axis", NodeAttribute.Of(1L)));
        g.Node("LRN", ["b"], "c", ("size", NodeAttribute.Of(3L)));
        g.Node("ReduceL2", ["c"], "d", ("axes", NodeAttribute.Of([2L, 3L])));
        g.Output("d");
        var e = LowerFails(g, [1, 2, 4, 4]);
        Assert.Contains("3 operators without an int8 lowering", e.Message);
        Assert.Contains("'LRN' (first in node 'a_node', 2 nodes)", e.Message);
        Assert.Contains("'LpNormalization' (first in node 'b_node', 1 node; int8 runs p = 2 over the channels only)", e.Message);
        Assert.Contains("'ReduceL2' (first in node 'd_node'", e.Message);
        Assert.DoesNotContain("c_node", e.Message);
    }

    [Fact]
    public void NonConstantWeights_AreRefusedNamingTheNode()
    {
        var g = new SmallGraph(2, "x", [1, 4, 2, 2]);
        g.Node("Flatten", ["x"], "f");
        g.Node("MatMul", ["f", "f"], "y");
        g.Output("y");
        var input = g.RandomInput([1, 4, 2, 2], -1, 1);
        var calibration = CalibrationResult.FromRanges(
            new Dictionary<string, ActivationRange> { ["x"] = new(-1, 1), ["f"] = new(-1, 1), ["y"] = new(-1, 1) },
            new Dictionary<string, int[]> { ["f"] = [1, 16], ["y"] = [1, 1] });
        var e = Assert.Throws<ConversionException>(() => Int8Lowering.Lower(g.Graph, calibration));
        Assert.Contains("y_node", e.Message);
        Assert.Contains("constant", e.Message);
    }

    [Fact]
    public void FlattenedFeatureMapIntoSoftmax_IsRefusedBecauseTheOrderDiffers()
    {
        var g = new SmallGraph(3, "x", [1, 2, 3, 3]);
        g.Node("Flatten", ["x"], "f");
        g.Node("Softmax", ["f"], "y", ("axis", NodeAttribute.Of(1L)));
        g.Output("y");
        var e = LowerFails(g, [1, 2, 3, 3]);
        Assert.Contains("y_node", e.Message);
        Assert.Contains("NHWC", e.Message);
    }

    [Fact]
    public void LoneTranspose_IsUnsupported()
    {
        var g = new SmallGraph(4, "x", [1, 2, 3, 3]);
        g.Node("Transpose", ["x"], "y", ("perm", NodeAttribute.Of(new long[] { 0, 2, 3, 1 })));
        g.Output("y");
        var e = LowerFails(g, [1, 2, 3, 3]);
        Assert.Contains("'Transpose'", e.Message);
    }

    [Fact]
    public void MissingCalibration_NamesTheValue()
    {
        var g = new SmallGraph(5, "x", [1, 1, 2, 2]);
        g.Node("Relu", ["x"], "y");
        g.Output("y");
        var calibration = CalibrationResult.FromRanges(new Dictionary<string, ActivationRange> { ["x"] = new(-1, 1) },
            new Dictionary<string, int[]> { ["y"] = [1, 1, 2, 2] });
        var e = Assert.Throws<ConversionException>(() => Int8Lowering.Lower(g.Graph, calibration));
        Assert.Contains("'y'", e.Message);
    }
}
