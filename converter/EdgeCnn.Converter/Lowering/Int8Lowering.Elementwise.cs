using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Model;
using EdgeCnn.Quantization;

namespace EdgeCnn.Converter.Lowering;

// Add / Sub / Sum, Mul / Div (by a constant), table activations, PRelu, Softmax.
public sealed partial class Int8Lowering
{
    private void LowerAdd(GraphNode node)
    {
        if (node.Inputs.Count < 2) { Alias(node, node.Inputs[0], node.Outputs[0]); return; }
        float alphaB = node.OpType == "Sub" ? -1f : 1f;
        if (node.OpType == "Sub" && node.Inputs.Count != 2) throw Fail(node, "Sub takes two inputs");
        // Sum of more than two inputs is a chain of Adds; intermediate sums get ranges of their own from
        // the inputs' (the sum's range bounds every partial sum well enough).
        int acc = BinaryOperand(node, 0);
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        for (int k = 1; k < node.Inputs.Count; k++)
        {
            int other = BinaryOperand(node, k);
            bool last = k == node.Inputs.Count - 1;
            int[] shape = BroadcastShape(node, _model.Tensors[acc].Shape, _model.Tensors[other].Shape);
            int output;
            ActivationQuantization q;
            if (last)
            {
                if (!shape.SequenceEqual(Nhwc(outShape))) throw Fail(node, $"broadcast shape {Format(shape)} differs from the output {Format(Nhwc(outShape))}");
                (output, q) = NewOutput(node, shape, outShape);
            }
            else
            {
                q = QuantizationOf(node.Outputs[0], $"node {node.Describe()}");
                output = AddActivation($"{node.Outputs[0]}_partial{k}", shape, q);
            }
            AddOperator(OpType.Add, last ? node.Name : $"{node.Name}_{k}", [acc, other], [output],
                floats: new AddParams(1f, alphaB).ToFloats(), clamp: last ? q.Clamp(node.Activation) : null);
            acc = output;
        }
    }

    private void LowerMul(GraphNode node)
    {
        if (node.Inputs.Count != 2) throw Fail(node, $"{node.OpType} takes two inputs");
        int a = BinaryOperand(node, 0);
        int b;
        if (node.OpType == "Div")
        {
            // Division by a constant is multiplication by its reciprocal; by an activation it is not supported.
            var divisor = _graph.FindValue(node.Inputs[1])?.Constant
                ?? throw Fail(node, "division by a non-constant tensor is not supported in int8");
            var reciprocal = new Tensor((int[])divisor.Shape.Clone(), Array.ConvertAll(divisor.AsFloats(), v => 1f / v));
            b = ConstantOperand(node, node.Inputs[1] + "_reciprocal", reciprocal);
        }
        else b = BinaryOperand(node, 1);
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        int[] shape = BroadcastShape(node, _model.Tensors[a].Shape, _model.Tensors[b].Shape);
        var (output, q) = NewOutput(node, shape, outShape);
        AddOperator(OpType.Mul, node.Name, [a, b], [output], clamp: q.Clamp(node.Activation));
    }

    /// <summary>
    /// Operand k of a binary node as an int8 tensor: an activation, or a quantized constant laid out like
    /// the node's activations. Feature maps ([N, C, H, W], NHWC in the model) combine with feature maps
    /// and constants; other tensors ([N, C] features after a Gemm, e.g. MobileNetV3's Hardswish written
    /// as x * HardSigmoid(x)) keep their order and combine with tensors of their rank and constants.
    /// </summary>
    private int BinaryOperand(GraphNode node, int k)
    {
        var (image, rank) = OperandLayout(node);
        string name = node.Inputs[k];
        if (_graph.FindValue(name)?.Constant is { } constant)
            return image ? ConstantOperand(node, name, constant) : RankedConstantOperand(node, name, constant, rank);
        var v = ActivationInput(node, k);
        if (v.IsImage != image || v.OnnxShape.Length != rank)
            throw Fail(node, $"input '{name}' has shape {Format(v.OnnxShape)}; element-wise operators combine feature maps with feature maps, or tensors of one rank (up to 4) with each other");
        return v.Tensor;
    }

    /// <summary>Whether the node's activation operands are feature maps, and their rank (the largest one).</summary>
    private (bool Image, int Rank) OperandLayout(GraphNode node)
    {
        bool image = false;
        int rank = 0;
        foreach (var input in node.Inputs)
        {
            if (input.Length == 0 || _graph.IsConstant(input)) continue;
            var v = Value(input, $"node {node.Describe()}");
            if (v.IsImage) image = true;
            rank = Math.Max(rank, v.OnnxShape.Length);
        }
        if (rank == 0) throw Fail(node, "every input is a constant (constant folding should have removed this node)");
        if (rank > 4) throw Fail(node, $"element-wise operators on rank-{rank} tensors are not supported (at most 4)");
        return (image, image ? 4 : rank);
    }

    /// <summary>A constant operand of a non-image node: numpy right-aligned with leading ones to the node's rank, no permutation.</summary>
    private int RankedConstantOperand(GraphNode node, string name, Tensor constant, int rank)
    {
        if (constant.Rank > rank) throw Fail(node, $"constant '{name}' has rank {constant.Rank}, more than the activation's {rank}");
        var shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = d < rank - constant.Rank ? 1 : constant.Shape[d - (rank - constant.Rank)];
        var values = constant.AsFloats();
        var q = ActivationQuantization.From(new ActivationRange(values.Min(), values.Max()));
        var data = new sbyte[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = QuantMath.Quantize(values[i], q.Scale, q.ZeroPoint);
        return AddConstant(name, ElementType.Int8, shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray(), [q.Scale], 0, q.ZeroPoint);
    }

    /// <summary>A constant operand, broadcast-aligned to NCHW (numpy rules) and stored as NHWC int8 with its own range.</summary>
    private int ConstantOperand(GraphNode node, string name, Tensor constant)
    {
        if (constant.Rank > 4) throw Fail(node, $"constant '{name}' has rank {constant.Rank}");
        var nchw = new int[4];
        for (int d = 0; d < 4; d++) nchw[d] = d < 4 - constant.Rank ? 1 : constant.Shape[d - (4 - constant.Rank)];
        var values = constant.AsFloats();
        int n = nchw[0], c = nchw[1], h = nchw[2], w = nchw[3];
        var nhwc = new float[values.Length];
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        nhwc[((i * h + y) * w + x) * c + ch] = values[((i * c + ch) * h + y) * w + x];
        var q = ActivationQuantization.From(new ActivationRange(values.Min(), values.Max()));
        var data = new sbyte[nhwc.Length];
        for (int i = 0; i < data.Length; i++) data[i] = QuantMath.Quantize(nhwc[i], q.Scale, q.ZeroPoint);
        return AddConstant(name, ElementType.Int8, [n, h, w, c], System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()).ToArray(), [q.Scale], 0, q.ZeroPoint);
    }

    private static int[] BroadcastShape(GraphNode node, int[] a, int[] b)
    {
        if (a.Length != b.Length || a.Length is < 1 or > 4) throw Fail(node, $"operands {Format(a)} and {Format(b)} do not have one rank of 1 to 4");
        var result = new int[a.Length];
        for (int d = 0; d < a.Length; d++)
        {
            if (a[d] != b[d] && a[d] != 1 && b[d] != 1) throw Fail(node, $"shapes {Format(a)} and {Format(b)} do not broadcast");
            result[d] = Math.Max(a[d], b[d]);
        }
        return result;
    }

    private void LowerActivation(GraphNode node)
    {
        var x = ActivationInput(node, 0);
        var p = node.OpType switch
        {
            "Relu" => new ActivationParams(ActivationKind.Relu, 0f, 0f),
            "Clip" => ClipParams(node),
            "LeakyRelu" => new ActivationParams(ActivationKind.LeakyRelu, node.GetFloat("alpha", 0.01f), 0f),
            "Elu" => new ActivationParams(ActivationKind.Elu, node.GetFloat("alpha", 1f), 0f),
            "Selu" => new ActivationParams(ActivationKind.Selu, node.GetFloat("alpha", 1.67326319217681884765625f), node.GetFloat("gamma", 1.05070102214813232421875f)),
            "Sigmoid" => new ActivationParams(ActivationKind.Sigmoid, 0f, 0f),
            "Tanh" => new ActivationParams(ActivationKind.Tanh, 0f, 0f),
            "HardSigmoid" => new ActivationParams(ActivationKind.HardSigmoid, node.GetFloat("alpha", 0.2f), node.GetFloat("beta", 0.5f)),
            "HardSwish" => new ActivationParams(ActivationKind.HardSwish, 0f, 0f),
            "Softplus" => new ActivationParams(ActivationKind.Softplus, 0f, 0f),
            "Gelu" when node.GetString("approximate", "none") == "none" => new ActivationParams(ActivationKind.Gelu, 0f, 0f),
            "Gelu" => throw Fail(node, $"GELU with approximate '{node.GetString("approximate", "none")}' has no int8 table (only the exact erf form)"),
            _ => throw Fail(node, "not an activation"),
        };
        var shape = (int[])TensorOf(x).Shape.Clone();
        var (output, q) = NewOutput(node, shape, x.OnnxShape);
        AddOperator(OpType.Activation, node.Name, [x.Tensor], [output], p.ToInts(), p.ToFloats(), clamp: q.Clamp(node.Activation));
    }

    private ActivationParams ClipParams(GraphNode node)
    {
        float min = node.GetFloat("min", float.NegativeInfinity), max = node.GetFloat("max", float.PositiveInfinity);
        if (node.InputOrNull(1) is not null) min = ConstantInput(node, 1, "min").AsFloats()[0];
        if (node.InputOrNull(2) is not null) max = ConstantInput(node, 2, "max").AsFloats()[0];
        // The table and the format want finite parameters: an open side is clamped to the float range.
        return new ActivationParams(ActivationKind.Clip, MathF.Max(min, float.MinValue), MathF.Min(max, float.MaxValue));
    }

    private void LowerPRelu(GraphNode node)
    {
        var x = ActivationInput(node, 0);
        if (!x.IsImage && x.OnnxShape.Length != 2)
            throw Fail(node, $"input '{node.Inputs[0]}' has shape {Format(x.OnnxShape)}; per-channel PRelu needs [N, C, H, W] or [N, C]");
        int c = x.OnnxShape[1];
        var slope = ConstantInput(node, 1, "slope").AsFloats();
        if (slope.Length != 1 && slope.Length != c) throw Fail(node, $"slope has {slope.Length} values; per-channel PRelu needs 1 or {c}");
        var perChannel = new float[c];
        for (int k = 0; k < c; k++) perChannel[k] = slope[slope.Length == 1 ? 0 : k];
        int slopeIndex = AddFloatConstant(node.Inputs[1], [c], perChannel);
        var (output, q) = NewOutput(node, (int[])TensorOf(x).Shape.Clone(), x.OnnxShape);
        AddOperator(OpType.PRelu, node.Name, [x.Tensor, slopeIndex], [output], clamp: q.Clamp(node.Activation));
    }

    /// <summary>Softmax over the channel (last NHWC) axis, float32 out: the model's probabilities.</summary>
    private void LowerSoftmax(GraphNode node, bool log)
    {
        var x = ActivationInput(node, 0);
        int rank = x.OnnxShape.Length;
        long axis = node.GetInt("axis", _graph.OpsetVersion >= 13 ? -1 : 1);
        if (axis < 0) axis += rank;
        // NHWC keeps channels last, so softmax over ONNX axis 1 of a feature map (or the last axis of
        // [N, K]) is the runtime's softmax over the last axis.
        bool supported = rank == 4 ? axis == 1 : axis == rank - 1;
        if (!supported)
            throw Fail(node, $"softmax over axis {axis} of {Format(x.OnnxShape)} is not supported (only over classes / channels)");
        if (rank == 4 && _graph.OpsetVersion < 13 && x.OnnxShape[2] * x.OnnxShape[3] != 1)
            throw Fail(node, "opset < 13 softmax of a feature map flattens C, H and W together, which is not supported");
        var input = TensorOf(x);
        string name = node.Outputs[0];
        int output = _model.AddTensor(new TensorDef { Name = UniqueTensorName(name), Type = ElementType.Float32, Shape = (int[])input.Shape.Clone() });
        Bind(name, new LoweredValue { Tensor = output, OnnxShape = x.OnnxShape });
        AddOperator(OpType.Softmax, node.Name, [x.Tensor], [output], new SoftmaxParams(log, 1f).ToInts(), new SoftmaxParams(log, 1f).ToFloats());
    }
}
