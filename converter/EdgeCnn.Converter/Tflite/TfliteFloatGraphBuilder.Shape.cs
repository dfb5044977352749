using EdgeCnn.Converter.Graph;
using Op = EdgeCnn.Converter.Tflite.TfliteBuiltinOperator;

namespace EdgeCnn.Converter.Tflite;

// ADD / MUL, CONCATENATION, RESHAPE / SQUEEZE, SOFTMAX, MEAN, PAD, RESIZE_*: the operators whose axes
// or constants change meaning between NHWC and NCHW.
internal sealed partial class TfliteFloatGraphBuilder
{
    /// <summary>
    /// ADD / MUL with TFLite (numpy) broadcasting. Two rank-4 operands broadcast the same way after both
    /// are transposed to NCHW; a lower-rank constant is first aligned to the trailing NHWC axes (a [C]
    /// vector is [1, 1, 1, C]) and then transposed, so it broadcasts over channels in NCHW too.
    /// </summary>
    private void Binary(TfliteOperator op, string opType, TfliteActivation activation)
    {
        RequireArity(op, 2, 2);
        int rank = OutputTensor(op).Shape.Length;
        var operands = new string[2];
        for (int slot = 0; slot < 2; slot++)
        {
            var tensor = InputTensor(op, slot, slot == 0 ? "x" : "y");
            if (_valueOf[tensor.Index] is null && HasData(tensor) && rank == 4 && tensor.Shape.Length < 4)
            {
                var data = FloatConstant(tensor, Context(op));
                var aligned = new int[4];
                for (int i = 0; i < 4; i++)
                {
                    int source = i - (4 - tensor.Shape.Length);
                    aligned[i] = source >= 0 ? tensor.Shape[source] : 1;
                }
                operands[slot] = Constant(tensor.Name, new Tensor(ToNchw(aligned), NhwcToNchw(data, aligned)));
                continue;
            }
            if (_valueOf[tensor.Index] is not null && rank == 4 && tensor.Shape.Length != 4)
                throw _file.Error($"{Context(op)}: {tensor} of rank {tensor.Shape.Length} broadcasts against a rank-4 result; only constants may have a lower rank");
            operands[slot] = Value(op, slot, slot == 0 ? "x" : "y");
        }
        AddWithActivation(opType, op, operands, activation);
    }

    private void Concatenation(TfliteOperator op)
    {
        if (op.Inputs.Length < 1 || op.Outputs.Length != 1)
            throw _file.Error($"{Context(op)}: has {op.Inputs.Length} inputs and {op.Outputs.Length} outputs; at least 1 input and 1 output expected");
        var options = ConcatenationOptions.Read(op, _file);
        int rank = OutputTensor(op).Shape.Length;
        int axis = options.Axis < 0 ? options.Axis + rank : options.Axis;
        if (axis < 0 || axis >= rank) throw _file.Error($"{Context(op)}: axis {options.Axis} is outside rank {rank}");
        var inputs = new List<string>();
        for (int i = 0; i < op.Inputs.Length; i++) inputs.Add(Value(op, i, $"input {i}"));
        AddWithActivation("Concat", op, inputs, options.Activation).SetAttribute("axis", NodeAttribute.Of((long)MapAxis(axis, rank)));
    }

    /// <summary>SPLIT / SPLIT_V: one ONNX Split (opset 13: sizes as an input) along the NCHW form of the axis.</summary>
    private void Split(TfliteOperator op)
    {
        string context = Context(op);
        var (axis, sizes) = TfliteSplitGeometry.Resolve(op, _file, context, slot => IntConstant(_file.Tensors[op.Inputs[slot]], context));
        int slot = TfliteSplitGeometry.InputSlot(op);
        int rank = _file.Tensors[op.Inputs[slot]].Shape.Length;
        string input = Value(op, slot, "input");
        string split = Constant("split", Tensor.Vector(Array.ConvertAll(sizes, s => (long)s)));
        var outputs = Enumerable.Range(0, sizes.Length).Select(k => NewOutput(op, output: k)).ToList();
        var node = new GraphNode("Split", _graph.UniqueName($"{op.OpName.ToLowerInvariant()}{op.Index}"), [input, split], outputs);
        node.SetAttribute("axis", NodeAttribute.Of((long)MapAxis(axis, rank)));
        _graph.Nodes.Add(node);
    }

    /// <summary>True when NHWC and NCHW hold the elements of this shape in the same order.</summary>
    private static bool SameOrderInBothLayouts(int[] shape) => shape.Length != 4 || shape[1] * shape[2] == 1 || shape[3] == 1;

    /// <summary>
    /// RESHAPE / SQUEEZE. When neither side's element order depends on the layout the graph reshapes
    /// to the NCHW form of the TFLite output shape. A feature map flattened to [N, K] becomes a Flatten
    /// (NCHW order) that only FULLY_CONNECTED may read. Any other reshape would need a transpose.
    /// </summary>
    private void Reshape(TfliteOperator op, int maxInputs)
    {
        RequireArity(op, 1, maxInputs);
        var inputTensor = InputTensor(op, 0, "input");
        var outputTensor = OutputTensor(op);
        var inShape = inputTensor.Shape;
        var outShape = outputTensor.Shape;
        if (TfliteShapes.ElementCount(inShape, _file, Context(op)) != TfliteShapes.ElementCount(outShape, _file, Context(op)))
            throw _file.Error($"{Context(op)}: cannot reshape {TfliteShapes.Format(inShape)} to {TfliteShapes.Format(outShape)}");
        string input = Value(op, 0, "input");
        if (inShape.Length == 4 && outShape.Length == 2 && outShape[0] == inShape[0] && !SameOrderInBothLayouts(inShape))
        {
            string flat = NewOutput(op);
            AddNode("Flatten", op, [input], flat).SetAttribute("axis", NodeAttribute.Of(1L));
            _nchwFlattened[outputTensor.Index] = (inShape[3], inShape[1], inShape[2]);
            return;
        }
        if (!SameOrderInBothLayouts(inShape) || !SameOrderInBothLayouts(outShape))
            throw _file.Error($"{Context(op)}: reshaping {TfliteShapes.Format(inShape)} to {TfliteShapes.Format(outShape)} changes the element order "
                + "between NHWC and NCHW; it would need a transpose, which the int8 lowering does not support");
        var target = Array.ConvertAll(ToNchw(outShape), d => (long)d);
        string shape = Constant("shape", new Tensor([target.Length], target));
        AddNode("Reshape", op, [input, shape], NewOutput(op));
    }

    private void Softmax(TfliteOperator op)
    {
        RequireArity(op, 1, 1);
        float beta = SoftmaxOptions.Read(op, _file).Beta;
        if (!float.IsFinite(beta) || beta <= 0f)
            throw _file.Error($"{Context(op)}: beta {beta} must be positive and finite");
        var inputTensor = InputTensor(op, 0, "input");
        if (inputTensor.Shape.Length is not (2 or 4))
            throw _file.Error($"{Context(op)}: input {inputTensor} has rank {inputTensor.Shape.Length}; 2 or 4 expected");
        string input = Value(op, 0, "input");
        if (beta != 1f && TryFoldBeta(inputTensor, input, beta)) beta = 1f;
        if (beta != 1f)
        {
            string scaled = Temporary(inputTensor.Name + "_beta", ToNchw(inputTensor.Shape));
            AddNode("Mul", op, [input, Constant("beta", Tensor.Scalar(beta))], scaled, "_beta");
            input = scaled;
        }
        AddNode("Softmax", op, [input], NewOutput(op)).SetAttribute("axis", NodeAttribute.Of(inputTensor.Shape.Length == 4 ? 1L : -1L));
    }

    /// <summary>
    /// softmax(beta * x): when x comes straight from a Gemm or Conv that nothing else reads, beta scales
    /// its weights and bias (ONNX's Softmax has no beta, and the lowering has no Mul on [N, K] vectors).
    /// </summary>
    private bool TryFoldBeta(TfliteTensor inputTensor, string input, float beta)
    {
        if (_graph.ProducerOf(input) is not { OpType: "Gemm" or "Conv" } producer) return false;
        // The softmax must be the only reader, now and later in the file: folding changes the value itself.
        int readers = _file.Operators.Count(o => o.Inputs.Contains(inputTensor.Index));
        if (readers != 1 || _graph.UseCount(input) != 0 || _file.OutputSet.Contains(inputTensor.Index)) return false;
        var parameters = producer.Inputs.Skip(1).Where(n => n.Length > 0).Select(_graph.GetValue).ToList();
        if (!parameters.TrueForAll(v => v.Constant is { Floats: not null })) return false;
        foreach (var value in parameters)
            value.Constant = new Tensor(value.Constant!.Shape, Array.ConvertAll(value.Constant.Floats!, v => v * beta));
        return true;
    }

    /// <summary>MEAN over H and W: GlobalAveragePool (keep_dims) or ReduceMean over [2, 3] (not keep_dims).</summary>
    private void Mean(TfliteOperator op)
    {
        RequireArity(op, 2, 2);
        var inputTensor = InputTensor(op, 0, "input");
        TfliteShapes.RequireRank(inputTensor, 4, _file, Context(op));
        var axes = IntConstant(InputTensor(op, 1, "axes"), Context(op)).Select(a => a < 0 ? a + 4 : a).Distinct().Order().ToArray();
        if (!axes.SequenceEqual([1, 2]))
            throw _file.Error($"{Context(op)}: MEAN over axes [{string.Join(",", axes)}] is not supported (only the spatial axes [1, 2])");
        bool keepDims = ReducerOptions.Read(op, _file).KeepDims;
        var s = inputTensor.Shape;
        RequireShape(op, OutputTensor(op), keepDims ? [s[0], 1, 1, s[3]] : [s[0], s[3]]);
        string input = Value(op, 0, "input");
        if (keepDims)
        {
            AddNode("GlobalAveragePool", op, [input], NewOutput(op));
            return;
        }
        var node = AddNode("ReduceMean", op, [input], NewOutput(op));
        node.SetAttribute("axes", NodeAttribute.Of(new long[] { 2, 3 }));
        node.SetAttribute("keepdims", NodeAttribute.Of(0L));
    }

    private void Pad(TfliteOperator op)
    {
        RequireArity(op, 2, 2);
        var inputTensor = InputTensor(op, 0, "input");
        int rank = inputTensor.Shape.Length;
        var paddings = IntConstant(InputTensor(op, 1, "paddings"), Context(op));
        if (paddings.Length != 2 * rank)
            throw _file.Error($"{Context(op)}: paddings hold {paddings.Length} values; [{rank}, 2] expected");
        var pads = new long[2 * rank];
        for (int axis = 0; axis < rank; axis++)
        {
            int mapped = MapAxis(axis, rank);
            pads[mapped] = paddings[2 * axis];
            pads[rank + mapped] = paddings[2 * axis + 1];
        }
        string input = Value(op, 0, "input");
        AddNode("Pad", op, [input, Constant("pads", new Tensor([pads.Length], pads))], NewOutput(op));
    }

    /// <summary>
    /// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR -> Resize with sizes. TFLite's coordinate rules map to
    /// ONNX modes: align_corners -> align_corners (nearest rounds half up, as TFLite's round does),
    /// half_pixel_centers -> half_pixel (bilinear) or tf_half_pixel_for_nn with floor (nearest),
    /// neither -> asymmetric (nearest takes the floor).
    /// </summary>
    private void Resize(TfliteOperator op, bool bilinear)
    {
        RequireArity(op, 2, 2);
        var inputTensor = InputTensor(op, 0, "input");
        TfliteShapes.RequireRank(inputTensor, 4, _file, Context(op));
        var size = IntConstant(InputTensor(op, 1, "size"), Context(op));
        if (size.Length != 2 || size[0] <= 0 || size[1] <= 0)
            throw _file.Error($"{Context(op)}: size [{string.Join(",", size)}] must hold two positive values (height, width)");
        var s = inputTensor.Shape;
        RequireShape(op, OutputTensor(op), [s[0], size[0], size[1], s[3]]);
        var options = ResizeOptions.Read(op, _file, bilinear);
        if (options.AlignCorners && options.HalfPixelCenters)
            throw _file.Error($"{Context(op)}: align_corners and half_pixel_centers are both set");
        string transform = options.AlignCorners ? "align_corners"
            : options.HalfPixelCenters ? (bilinear ? "half_pixel" : "tf_half_pixel_for_nn") : "asymmetric";
        string input = Value(op, 0, "input");
        string sizes = Constant("sizes", new Tensor([4], new long[] { s[0], s[3], size[0], size[1] }));
        var node = AddNode("Resize", op, [input, "", "", sizes], NewOutput(op));
        node.SetAttribute("mode", NodeAttribute.Of(bilinear ? "linear" : "nearest"));
        node.SetAttribute("coordinate_transformation_mode", NodeAttribute.Of(transform));
        if (!bilinear) node.SetAttribute("nearest_mode", NodeAttribute.Of(options.AlignCorners ? "round_prefer_ceil" : "floor"));
    }
}
