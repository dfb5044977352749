using EdgeCnn.Converter.Graph;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

// Concat, Pad, Resize / Upsample, Flatten, Reshape (including the ShuffleNet channel shuffle pattern
// Reshape -> Transpose -> Reshape), Squeeze / Unsqueeze.
public sealed partial class Int8Lowering
{
    /// <summary>NCHW axis -> NHWC axis.</summary>
    private static readonly int[] NhwcAxis = [0, 3, 1, 2];

    private void LowerConcat(GraphNode node)
    {
        var inputs = new int[node.Inputs.Count];
        int rank = -1;
        for (int k = 0; k < inputs.Length; k++)
        {
            if (_graph.IsConstant(node.Inputs[k])) throw Fail(node, $"concatenating the constant '{node.Inputs[k]}' is not supported");
            var v = ActivationInput(node, k);
            if (rank >= 0 && v.OnnxShape.Length != rank) throw Fail(node, "inputs have different ranks");
            rank = v.OnnxShape.Length;
            inputs[k] = v.Tensor;
        }
        long axis = node.GetInt("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) throw Fail(node, $"axis {node.GetInt("axis", 1)} is out of range for rank {rank}");
        int lowered = rank == 4 ? NhwcAxis[axis] : (int)axis;
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        var (output, q) = NewOutput(node, Nhwc(outShape), outShape);
        AddOperator(OpType.Concat, node.Name, inputs, [output], [lowered], clamp: q.Clamp(node.Activation));
    }

    private void LowerPad(GraphNode node)
    {
        var x = RequireImage(node, 0);
        string mode = node.GetString("mode", "constant");
        if (mode != "constant") throw Fail(node, $"pad mode '{mode}' is not supported (only constant)");
        long[] pads;
        if (node.InputOrNull(1) is not null) pads = ConstantInput(node, 1, "pads").AsInt64s();
        else pads = node.GetInts("pads") ?? throw Fail(node, "pads are missing");
        float value = node.GetFloat("value", 0f);
        if (node.InputOrNull(2) is not null) value = ConstantInput(node, 2, "constant_value").AsFloats()[0];
        if (value != 0f) throw Fail(node, $"padding with {value} is not supported (only 0)");
        if (node.InputOrNull(3) is not null) throw Fail(node, "the axes input of Pad is not supported");
        if (pads.Length != 8) throw Fail(node, $"pads has {pads.Length} values; a feature map needs 8");
        if (pads.Any(p => p < 0)) throw Fail(node, "negative pads (cropping) are not supported");
        int[] before = [(int)pads[0], (int)pads[2], (int)pads[3], (int)pads[1]];
        int[] after = [(int)pads[4], (int)pads[6], (int)pads[7], (int)pads[5]];
        var input = TensorOf(x);
        int[] outShape = [x.OnnxShape[0] + (int)(pads[0] + pads[4]), x.OnnxShape[1] + (int)(pads[1] + pads[5]),
            x.OnnxShape[2] + (int)(pads[2] + pads[6]), x.OnnxShape[3] + (int)(pads[3] + pads[7])];
        // The pad value is the zero point, so the output keeps the input's quantization.
        int output = NewOutputLike(node, input, Nhwc(outShape), outShape);
        AddOperator(OpType.Pad, node.Name, [x.Tensor], [output], new PadParams(before, after).ToInts());
    }

    private void LowerResize(GraphNode node)
    {
        var x = RequireImage(node, 0);
        string mode = node.GetString("mode", "nearest");
        var resizeMode = mode switch
        {
            "nearest" => ResizeMode.Nearest,
            "linear" or "bilinear" => ResizeMode.Bilinear,
            _ => throw Fail(node, $"resize mode '{mode}' is not supported (nearest, linear)"),
        };
        CoordinateTransform transform;
        NearestRounding rounding;
        if (node.OpType == "Upsample" || _graph.OpsetVersion < 11)
        {
            // Upsample and Resize-10 map coordinates asymmetrically and take the floor for nearest.
            transform = CoordinateTransform.Asymmetric;
            rounding = NearestRounding.Floor;
        }
        else
        {
            string t = node.GetString("coordinate_transformation_mode", "half_pixel");
            transform = t switch
            {
                "half_pixel" => CoordinateTransform.HalfPixel,
                "align_corners" => CoordinateTransform.AlignCorners,
                "asymmetric" => CoordinateTransform.Asymmetric,
                "pytorch_half_pixel" => CoordinateTransform.PytorchHalfPixel,
                "tf_half_pixel_for_nn" => CoordinateTransform.TfHalfPixelForNn,
                _ => throw Fail(node, $"coordinate_transformation_mode '{t}' is not supported"),
            };
            string r = node.GetString("nearest_mode", "round_prefer_floor");
            rounding = r switch
            {
                "round_prefer_floor" => NearestRounding.RoundPreferFloor,
                "round_prefer_ceil" => NearestRounding.RoundPreferCeil,
                "floor" => NearestRounding.Floor,
                "ceil" => NearestRounding.Ceil,
                _ => throw Fail(node, $"nearest_mode '{r}' is not supported"),
            };
        }
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        if (outShape.Length != 4 || outShape[0] != x.OnnxShape[0] || outShape[1] != x.OnnxShape[1])
            throw Fail(node, $"only spatial resizing is supported ({Format(x.OnnxShape)} -> {Format(outShape)})");
        var p = new ResizeParams(resizeMode, transform, rounding);
        var input = TensorOf(x);
        if (resizeMode == ResizeMode.Nearest)
        {
            int output = NewOutputLike(node, input, Nhwc(outShape), outShape);
            AddOperator(OpType.Resize, node.Name, [x.Tensor], [output], p.ToInts());
        }
        else
        {
            var (output, q) = NewOutput(node, Nhwc(outShape), outShape);
            AddOperator(OpType.Resize, node.Name, [x.Tensor], [output], p.ToInts(), clamp: q.Clamp(node.Activation));
        }
    }

    private void LowerFlatten(GraphNode node)
    {
        var x = Value(node.Inputs[0], $"node {node.Describe()}");
        long axis = node.GetInt("axis", 1);
        if (axis < 0) axis += x.OnnxShape.Length;
        if (axis != 1) throw Fail(node, $"Flatten with axis {node.GetInt("axis", 1)} is not supported (only 1)");
        FlattenOrReshape(node, x, [x.OnnxShape[0], (int)(Tensor.ElementCount(x.OnnxShape) / Math.Max(1, x.OnnxShape[0]))]);
    }

    private void LowerReshape(GraphNode node)
    {
        var x = Value(node.Inputs[0], $"node {node.Describe()}");
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        if (outShape.Length == 5 && x.IsImage && TryLowerChannelShuffle(node, x, outShape)) return;
        FlattenOrReshape(node, x, outShape);
    }

    private void LowerReshapeLike(GraphNode node)
    {
        var x = Value(node.Inputs[0], $"node {node.Describe()}");
        FlattenOrReshape(node, x, ShapeOf(node.Outputs[0], $"node {node.Describe()}"));
    }

    /// <summary>
    /// Reshapes that keep the element order in NHWC: a feature map to [N, C*H*W] (a view for a following
    /// fully connected layer), [N, C, 1, 1] to [N, C] and back, and any reshape of a non-image tensor.
    /// </summary>
    private void FlattenOrReshape(GraphNode node, LoweredValue x, int[] outShape)
    {
        string name = node.Outputs[0];
        if (Tensor.ElementCount(outShape) != Tensor.ElementCount(x.OnnxShape))
            throw Fail(node, $"cannot reshape {Format(x.OnnxShape)} to {Format(outShape)}");
        if (!x.IsView && TensorOf(x).Type == ElementType.Float32)
        {
            ReshapeFloat(node, x, outShape);
            return;
        }
        if (x.IsImage && outShape.Length == 2 && outShape[0] == x.OnnxShape[0])
        {
            Bind(name, new LoweredValue { Tensor = x.Tensor, OnnxShape = outShape, FlattenOf = (x.OnnxShape[1], x.OnnxShape[2], x.OnnxShape[3]) });
            return;
        }
        if (x.IsView) x = Materialize(x, node.Inputs[0], $"node {node.Describe()}");
        // Allowed when the NHWC byte order equals the NCHW one: no image involved, or only 1x1 images.
        bool inputOrderSafe = !x.IsImage || x.OnnxShape[2] * x.OnnxShape[3] == 1;
        bool outputOrderSafe = outShape.Length != 4 || outShape[2] * outShape[3] == 1;
        if (!inputOrderSafe || !outputOrderSafe)
            throw Fail(node, $"reshaping {Format(x.OnnxShape)} to {Format(outShape)} changes the element order between NCHW and NHWC, which is not supported");
        var input = TensorOf(x);
        int output = NewOutputLike(node, input, Nhwc(outShape), outShape);
        AddOperator(OpType.Reshape, node.Name, [x.Tensor], [output]);
    }

    /// <summary>
    /// A reshape of float32 probabilities (Softmax, then Reshape / Flatten / Squeeze): the same bytes under
    /// another shape, when the NHWC order equals the NCHW one.
    /// </summary>
    private void ReshapeFloat(GraphNode node, LoweredValue x, int[] outShape)
    {
        bool inputOrderSafe = !x.IsImage || x.OnnxShape[2] * x.OnnxShape[3] == 1 || x.OnnxShape[1] == 1;
        bool outputOrderSafe = outShape.Length != 4 || outShape[2] * outShape[3] == 1 || outShape[1] == 1;
        if (!inputOrderSafe || !outputOrderSafe)
            throw Fail(node, $"reshaping the float output {Format(x.OnnxShape)} to {Format(outShape)} changes the element order between NCHW and NHWC, which is not supported");
        string name = node.Outputs[0];
        int output = _model.AddTensor(new TensorDef { Name = UniqueTensorName(name), Type = ElementType.Float32, Shape = Nhwc(outShape) });
        Bind(name, new LoweredValue { Tensor = output, OnnxShape = outShape });
        AddOperator(OpType.Reshape, node.Name, [x.Tensor], [output]);
    }

    /// <summary>
    /// Reshape [N, C, H, W] -> [N, g, C/g, H, W], Transpose perm [0, 2, 1, 3, 4], Reshape -> [N, C, H, W]:
    /// the ShuffleNet channel shuffle, one ChannelShuffle(groups = g) in NHWC.
    /// </summary>
    private bool TryLowerChannelShuffle(GraphNode reshape, LoweredValue x, int[] fiveD)
    {
        int n = x.OnnxShape[0], c = x.OnnxShape[1], h = x.OnnxShape[2], w = x.OnnxShape[3];
        int groups = fiveD[1];
        if (fiveD[0] != n || groups < 1 || fiveD[1] * fiveD[2] != c || fiveD[3] != h || fiveD[4] != w) return false;
        var transposes = _graph.ConsumersOf(reshape.Outputs[0]);
        if (transposes.Count != 1 || transposes[0].OpType != "Transpose" || _graph.Outputs.Contains(reshape.Outputs[0])) return false;
        var transpose = transposes[0];
        var perm = transpose.GetInts("perm");
        if (perm is null || !perm.SequenceEqual(new long[] { 0, 2, 1, 3, 4 })) return false;
        var reshapes = _graph.ConsumersOf(transpose.Outputs[0]);
        if (reshapes.Count != 1 || reshapes[0].OpType is not ("Reshape" or "Flatten") || _graph.Outputs.Contains(transpose.Outputs[0])) return false;
        var back = reshapes[0];
        var backShape = ShapeOf(back.Outputs[0], $"node {back.Describe()}");
        if (!backShape.SequenceEqual(x.OnnxShape)) return false;
        _consumed.Add(transpose);
        _consumed.Add(back);
        var input = TensorOf(x);
        int output = NewOutputLike(back, input, Nhwc(backShape), backShape);
        AddOperator(OpType.ChannelShuffle, reshape.Name, [x.Tensor], [output], [groups]);
        return true;
    }
}
