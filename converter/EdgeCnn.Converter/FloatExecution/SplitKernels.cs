using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>Split (ShuffleNetV2's channel split) and Expand (F.normalize broadcasts its norm with it).</summary>
internal static class SplitKernels
{
    /// <summary>Split along one axis: sizes from the split input (opset 13+) or attribute, else equal parts (num_outputs or the output count).</summary>
    public static Tensor[] Split(OpContext ctx)
    {
        var x = ctx.Input(0);
        int axis = ctx.Axis(ctx.Node.GetInt("axis", 0), x.Rank);
        int outputs = ctx.Node.Outputs.Count;
        long[]? sizes = ctx.Opset >= 13 ? ctx.OptionalInput(1)?.AsInt64s() : ctx.Node.GetInts("split");
        int dim = x.Shape[axis];
        if (sizes is null || sizes.Length == 0)
        {
            int parts = (int)ctx.Node.GetInt("num_outputs", outputs);
            if (parts < 1) throw ctx.Fail("needs at least one output");
            int chunk = (dim + parts - 1) / parts; // opset 18: the last part may be smaller
            sizes = Enumerable.Range(0, parts).Select(i => (long)Math.Clamp(dim - i * chunk, 0, chunk)).ToArray();
        }
        if (sizes.Length != outputs) throw ctx.Fail($"split has {sizes.Length} sizes for {outputs} outputs");
        if (sizes.Any(s => s < 0) || sizes.Sum() != dim) throw ctx.Fail($"split sizes [{string.Join(",", sizes)}] do not add up to dimension {axis} ({dim})");
        var results = new Tensor[outputs];
        int start = 0;
        for (int k = 0; k < outputs; k++)
        {
            results[k] = SliceAxis(x, axis, start, (int)sizes[k]);
            start += (int)sizes[k];
        }
        return results;
    }

    /// <summary>Elements [start, start + length) of one axis, as a new tensor.</summary>
    public static Tensor SliceAxis(Tensor x, int axis, int start, int length)
    {
        int outer = ShapeMath.Product(x.Shape.AsSpan(0, axis)), dim = x.Shape[axis], inner = ShapeMath.Product(x.Shape.AsSpan(axis + 1));
        var shape = (int[])x.Shape.Clone();
        shape[axis] = length;
        if (x.Floats is { } f)
        {
            var r = new float[outer * length * inner];
            for (int o = 0; o < outer; o++) Array.Copy(f, (o * dim + start) * inner, r, o * length * inner, length * inner);
            return new Tensor(shape, r, x.ElementType);
        }
        var ints = x.Int64s!;
        var ri = new long[outer * length * inner];
        for (int o = 0; o < outer; o++) Array.Copy(ints, (o * dim + start) * inner, ri, o * length * inner, length * inner);
        return new Tensor(shape, ri, x.ElementType);
    }

    /// <summary>Expand: numpy broadcast of the input with the given shape.</summary>
    public static Tensor Expand(OpContext ctx)
    {
        var x = ctx.Input(0);
        var requested = Array.ConvertAll(ctx.Input(1).AsInt64s(), v => checked((int)v));
        var shape = ShapeMath.Broadcast(x.Shape, requested)
            ?? throw ctx.Fail($"cannot expand {ShapeMath.Format(x.Shape)} to {ShapeMath.Format(requested)}");
        var map = ShapeMath.BroadcastIndexMap(x.Shape, shape);
        if (x.Floats is { } f) return new Tensor(shape, Array.ConvertAll(map, i => f[i]), x.ElementType);
        var ints = x.Int64s!;
        return new Tensor(shape, Array.ConvertAll(map, i => ints[i]), x.ElementType);
    }
}
