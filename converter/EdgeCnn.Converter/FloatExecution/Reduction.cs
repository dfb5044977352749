using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// The shared shape of ONNX's Reduce* operators: axes as an attribute (opset &lt; 18) or an input, none
/// meaning all axes (unless noop_with_empty_axes), keepdims; each element's term summed in double over
/// the reduced axes, then each sum finished (divided by the count, square-rooted, ...).
/// </summary>
internal static class Reduction
{
    public static Tensor Reduce(OpContext ctx, Func<float, double> term, Func<double, int, float> finish)
    {
        var x = ctx.Input(0);
        long[]? axes = ctx.Opset < 18 ? ctx.Node.GetInts("axes") : ctx.OptionalInput(1)?.AsInt64s();
        bool keepDims = ctx.Node.GetInt("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (ctx.Node.GetInt("noop_with_empty_axes", 0) != 0) return x.Clone();
            axes = Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
        }
        var reduce = new bool[x.Rank];
        foreach (var a in axes) reduce[ctx.Axis(a, x.Rank)] = true;
        var keptShape = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++) keptShape[i] = reduce[i] ? 1 : x.Shape[i];
        var map = ShapeMath.BroadcastIndexMap(keptShape, x.Shape);
        var xs = x.AsFloats();
        var sums = new double[ShapeMath.Product(keptShape)];
        for (int i = 0; i < xs.Length; i++) sums[map[i]] += term(xs[i]);
        int count = Math.Max(1, xs.Length / Math.Max(1, sums.Length));
        var y = new float[sums.Length];
        for (int i = 0; i < y.Length; i++) y[i] = finish(sums[i], count);
        int[] shape = keepDims ? keptShape : Enumerable.Range(0, x.Rank).Where(i => !reduce[i]).Select(i => x.Shape[i]).ToArray();
        return new Tensor(shape, y);
    }
}
