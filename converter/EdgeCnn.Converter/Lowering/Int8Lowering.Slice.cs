using EdgeCnn.Converter.Graph;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

// Slice (step 1) and Split: boxes of the input, as Slice operators that keep its quantization
// (ShuffleNetV2's channel split, torch.split, crops).
public sealed partial class Int8Lowering
{
    private void LowerSlice(GraphNode node)
    {
        var x = ActivationInput(node, 0);
        if (_graph.OpsetVersion >= 10)
        {
            if (node.InputOrNull(4) is not null && ConstantInput(node, 4, "steps").AsInt64s().Any(s => s != 1))
                throw Fail(node, "slices with steps other than 1 are not supported in int8");
            ConstantInput(node, 1, "starts");
            ConstantInput(node, 2, "ends");
        }
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        // The executor resolved negative and clamped bounds; recover the start from them.
        var begin = SliceStarts(node, x.OnnxShape);
        AddSlice(node, x, node.Outputs[0], begin, outShape);
    }

    private void LowerSplit(GraphNode node)
    {
        var x = ActivationInput(node, 0);
        int rank = x.OnnxShape.Length;
        long a = node.GetInt("axis", 0);
        if (a < 0) a += rank;
        if (a < 0 || a >= rank) throw Fail(node, $"axis {node.GetInt("axis", 0)} is out of range for rank {rank}");
        int start = 0;
        foreach (var name in node.Outputs)
        {
            var outShape = ShapeOf(name, $"node {node.Describe()}");
            if (name.Length > 0)
            {
                var begin = new int[rank];
                begin[a] = start;
                AddSlice(node, x, name, begin, outShape);
            }
            start += outShape[a];
        }
    }

    /// <summary>Start index on each ONNX axis, from the constant starts / axes, clamped as the executor does.</summary>
    private int[] SliceStarts(GraphNode node, int[] shape)
    {
        int rank = shape.Length;
        long[] starts = _graph.OpsetVersion < 10 ? node.GetInts("starts") ?? throw Fail(node, "has no starts") : ConstantInput(node, 1, "starts").AsInt64s();
        long[]? axes = _graph.OpsetVersion < 10 ? node.GetInts("axes") : OptionalConstantInput(node, 3, "axes")?.AsInt64s();
        if (axes is null || axes.Length == 0) axes = Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        if (axes.Length != starts.Length) throw Fail(node, "starts and axes have different lengths");
        var begin = new int[rank];
        for (int i = 0; i < starts.Length; i++)
        {
            long axis = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (axis < 0 || axis >= rank) throw Fail(node, $"axis {axes[i]} is out of range for rank {rank}");
            long dim = shape[axis];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            begin[axis] = (int)Math.Clamp(s, 0, dim);
        }
        return begin;
    }

    /// <summary>One Slice operator: the ONNX box (begin, shape) in the lowered layout, quantization of the input.</summary>
    private void AddSlice(GraphNode node, LoweredValue x, string valueName, int[] onnxBegin, int[] onnxShape)
    {
        if (x.OnnxShape.Length > 4) throw Fail(node, $"slicing a rank-{x.OnnxShape.Length} tensor is not supported");
        if (onnxShape.Length != x.OnnxShape.Length) throw Fail(node, $"output '{valueName}' has rank {onnxShape.Length}, the input {x.OnnxShape.Length}");
        int[] begin = x.IsImage ? Nhwc(onnxBegin) : onnxBegin;
        var start = new int[4];
        begin.CopyTo(start, 4 - begin.Length);
        var input = TensorOf(x);
        int output = NewOutputLike(node, input, x.IsImage ? Nhwc(onnxShape) : (int[])onnxShape.Clone(), onnxShape, valueName);
        string name = node.Outputs.Count > 1 ? $"{node.Name}_{valueName}" : node.Name;
        AddOperator(OpType.Slice, name, [x.Tensor], [output], new SliceParams(start[0], start[1], start[2], start[3]).ToInts());
    }
}
