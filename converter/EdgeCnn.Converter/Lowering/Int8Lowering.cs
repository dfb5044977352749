using System.Runtime.InteropServices;
using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

/// <summary>
/// Lowers the converter graph (ONNX semantics, NCHW, after the passes: BN folded, dropout removed,
/// activations fused) to the canonical NHWC int8 <see cref="EcnnModel"/>: per-channel int8 weights in
/// OHWI / 1HWC / [out, in], int32 biases, per-tensor activation scales from calibration, fused clamps,
/// a Dequantize before every int8 graph output. Each failure is a <see cref="ConversionException"/>
/// naming the node.
/// </summary>
public sealed partial class Int8Lowering
{
    private readonly ModelGraph _graph;
    private readonly CalibrationResult _calibration;
    private readonly EcnnModel _model = new();
    private readonly Dictionary<string, LoweredValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tensorOfValue = new(StringComparer.Ordinal);
    private readonly HashSet<GraphNode> _consumed = [];

    private Int8Lowering(ModelGraph graph, CalibrationResult calibration)
    {
        _graph = graph;
        _calibration = calibration;
    }

    public static LoweringResult Lower(ModelGraph graph, CalibrationResult calibration, LoweringOptions? options = null)
    {
        options ??= new LoweringOptions();
        var lowering = new Int8Lowering(graph, calibration);
        lowering.LowerGraph();
        var model = lowering._model;
        var input = model.Tensors[model.Inputs[0]];
        var preprocessing = options.Preprocessing;
        if (preprocessing is not null && input.Shape.Length == 4)
        {
            preprocessing.Height = input.Shape[1];
            preprocessing.Width = input.Shape[2];
            preprocessing.Channels = input.Shape[3];
        }
        model.Metadata = new ModelMetadata
        {
            Name = options.Name.Length > 0 ? options.Name : graph.Name,
            Producer = options.Producer,
            InputShape = (int[])input.Shape.Clone(),
            Preprocessing = preprocessing,
            Labels = options.Labels,
            Properties = new Dictionary<string, string>(options.Properties),
        };
        return new LoweringResult(model, lowering._tensorOfValue);
    }

    private void LowerGraph()
    {
        if (_graph.Inputs.Count != 1)
            throw new ConversionException($"graph '{_graph.Name}' has {_graph.Inputs.Count} inputs; only single-input models can be lowered");
        RefuseUnsupportedOperators();
        LowerInput(_graph.Inputs[0]);
        foreach (var node in _graph.Nodes)
        {
            if (_consumed.Contains(node)) continue;
            try { LowerNode(node); }
            catch (ConversionException) { throw; }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException or KeyNotFoundException)
            {
                throw new ConversionException($"node {node.Describe()}: {e.Message}", e);
            }
        }
        foreach (var name in _graph.Outputs) LowerOutput(name);
    }

    private void LowerInput(string name)
    {
        var shape = ShapeOf(name, "graph input");
        if (shape.Length != 4)
            throw new ConversionException($"graph input '{name}' has shape {Format(shape)}; image models take [N, C, H, W]");
        var q = QuantizationOf(name, $"input '{name}'");
        int index = AddActivation(name, Nhwc(shape), q);
        _model.Inputs.Add(index);
        Bind(name, new LoweredValue { Tensor = index, OnnxShape = shape });
    }

    private void LowerOutput(string name)
    {
        var value = Value(name, $"graph output '{name}'");
        if (value.IsView) value = Materialize(value, name, $"graph output '{name}'");
        var tensor = _model.Tensors[value.Tensor];
        if (tensor.Type == ElementType.Float32)
        {
            _model.Outputs.Add(value.Tensor);
            return;
        }
        // The caller gets floats: dequantize int8 outputs. The int8 tensor keeps a derived name and the
        // float output takes the ONNX output name.
        string int8Name = UniqueTensorName(name + "_int8");
        tensor.Name = int8Name;
        _tensorOfValue[name] = int8Name;
        int output = _model.AddTensor(new TensorDef { Name = name, Type = ElementType.Float32, Shape = (int[])tensor.Shape.Clone() });
        AddOperator(OpType.Dequantize, name + "_dequantize", [value.Tensor], [output]);
        _model.Outputs.Add(output);
    }

    private void LowerNode(GraphNode node)
    {
        switch (node.OpType)
        {
            case "Conv": LowerConv(node); break;
            case "ConvTranspose": LowerConvTranspose(node); break;
            case "BatchNormalization": LowerBatchNormalization(node); break;
            case "Gemm": LowerGemm(node); break;
            case "MatMul": LowerMatMul(node); break;
            case "MaxPool": LowerPool(node, isMax: true); break;
            case "AveragePool": LowerPool(node, isMax: false); break;
            case "GlobalAveragePool": LowerGlobalPool(node, isMax: false); break;
            case "GlobalMaxPool": LowerGlobalPool(node, isMax: true); break;
            case "ReduceMean": LowerReduceMean(node); break;
            case "Add": case "Sub": case "Sum": LowerAdd(node); break;
            case "Mul": case "Div": LowerMul(node); break;
            case "Relu": case "Clip": case "LeakyRelu": case "Elu": case "Selu": case "Sigmoid": case "Tanh":
            case "HardSigmoid": case "HardSwish": case "Softplus": case "Gelu":
                LowerActivation(node); break;
            case "ChannelLayerNorm": LowerChannelNorm(node, layerNorm: true); break;
            case "ChannelL2Norm": LowerChannelNorm(node, layerNorm: false); break;
            case "Slice": LowerSlice(node); break;
            case "Split": LowerSplit(node); break;
            case "PRelu": LowerPRelu(node); break;
            case "Softmax": LowerSoftmax(node, log: false); break;
            case "LogSoftmax": LowerSoftmax(node, log: true); break;
            case "Concat": LowerConcat(node); break;
            case "Pad": LowerPad(node); break;
            case "Resize": case "Upsample": LowerResize(node); break;
            case "Flatten": LowerFlatten(node); break;
            case "Reshape": LowerReshape(node); break;
            case "Squeeze": case "Unsqueeze": LowerReshapeLike(node); break;
            case "Dropout": case "Identity": Alias(node, node.Inputs[0], node.Outputs[0]); break;
            default:
                throw new ConversionException(
                    $"node {node.Describe()}: operator '{node.OpType}' has no int8 lowering (supported: {string.Join(", ", SupportedOperators)})");
        }
    }

    /// <summary>ONNX operators the int8 lowering accepts (after the passes have folded shape arithmetic).</summary>
    public static readonly string[] SupportedOperators =
    [
        "Conv", "ConvTranspose", "BatchNormalization", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool", "ReduceMean", "Add", "Sub", "Sum", "Mul", "Div", "Relu", "Clip", "LeakyRelu", "Elu", "Selu",
        "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Gelu", "PRelu", "Softmax", "LogSoftmax", "Concat", "Pad",
        "Resize", "Upsample", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose (channel shuffle)", "Dropout", "Identity",
        "Slice", "Split", "LayerNormalization (over channels)", "LpNormalization (p = 2, over channels)",
        "ReduceL2 + Div (F.normalize)", "Erf (in the GELU pattern)",
    ];

    /// <summary>
    /// Refuses a graph once, listing every operator that has no int8 lowering with its first node, before
    /// any calibration-dependent work: the user sees everything that is missing in one run.
    /// </summary>
    private void RefuseUnsupportedOperators()
    {
        var unsupported = new Onnx.UnsupportedOperators();
        foreach (var node in _graph.Nodes)
            if (!Lowerable.Contains(node.OpType)) unsupported.Add(node.OpType, node.Name, WhyNotLowerable(node.OpType));
        if (unsupported.Any)
            throw new ConversionException(unsupported.Message($"graph '{_graph.Name}'", string.Join(", ", SupportedOperators),
                "operator without an int8 lowering", "operators without an int8 lowering"));
    }

    /// <summary>Node types LowerNode handles (Transpose only as part of a channel shuffle, refused there otherwise).</summary>
    private static readonly HashSet<string> Lowerable = new(StringComparer.Ordinal)
    {
        "Conv", "ConvTranspose", "BatchNormalization", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "ReduceMean", "Add", "Sub", "Sum", "Mul", "Div", "Relu", "Clip", "LeakyRelu", "Elu", "Selu", "Sigmoid", "Tanh", "HardSigmoid",
        "HardSwish", "Softplus", "Gelu", "ChannelLayerNorm", "ChannelL2Norm", "Slice", "Split", "PRelu", "Softmax", "LogSoftmax", "Concat",
        "Pad", "Resize", "Upsample", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Dropout", "Identity", "Transpose",
    };

    private static string? WhyNotLowerable(string opType) => opType switch
    {
        "LayerNormalization" => "int8 normalizes over the channels only (the last axis of [N, C], or a channels-last region)",
        "LpNormalization" => "int8 runs p = 2 over the channels only",
        "ReduceL2" or "Expand" => "int8 runs ReduceL2 only as the norm of F.normalize over the channels (ReduceL2 -> Clip -> Expand -> Div)",
        "Erf" or "Pow" or "Sqrt" => "int8 runs these only inside the GELU and LayerNorm patterns PyTorch exports",
        _ => null,
    };

    // ---- values, tensors and operators ----

    private void Bind(string valueName, LoweredValue value)
    {
        _values[valueName] = value;
        if (!value.IsView) _tensorOfValue[valueName] = _model.Tensors[value.Tensor].Name;
    }

    private void Alias(GraphNode node, string from, string to) => Bind(to, Value(from, node.Describe()));

    private LoweredValue Value(string name, string forWhat) =>
        _values.TryGetValue(name, out var v) ? v
            : _graph.IsConstant(name)
                ? throw new ConversionException($"{forWhat}: input '{name}' is a constant where an activation is expected")
                : throw new ConversionException($"{forWhat}: input '{name}' has not been lowered");

    private LoweredValue ActivationInput(GraphNode node, int index)
    {
        var v = Value(node.Inputs[index], $"node {node.Describe()}");
        return v.IsView ? Materialize(v, node.Inputs[index], $"node {node.Describe()}") : v;
    }

    private TensorDef TensorOf(LoweredValue v) => _model.Tensors[v.Tensor];

    private static ActivationQuantization QuantizationOf(TensorDef t) => new(t.Scale, t.ZeroPoint);

    private int[] ShapeOf(string valueName, string forWhat)
    {
        var value = _graph.FindValue(valueName);
        if (value is { HasStaticShape: true }) return value.Shape!;
        if (_calibration.Shapes.TryGetValue(valueName, out var observed)) return observed;
        throw new ConversionException($"{forWhat}: the shape of '{valueName}' is unknown (shape inference found none and calibration did not observe it)");
    }

    private ActivationQuantization QuantizationOf(string valueName, string forWhat) =>
        ActivationQuantization.From(_calibration.RangeOf(valueName, forWhat));

    private string UniqueTensorName(string name)
    {
        if (!_model.Tensors.Exists(t => t.Name == name)) return name;
        for (int i = 1; ; i++)
            if (!_model.Tensors.Exists(t => t.Name == $"{name}_{i}")) return $"{name}_{i}";
    }

    private int AddActivation(string name, int[] shape, ActivationQuantization q) =>
        _model.AddTensor(new TensorDef
        {
            Name = UniqueTensorName(name), Type = ElementType.Int8, Shape = shape, Scales = [q.Scale], ZeroPoint = q.ZeroPoint,
        });

    private int AddConstant(string name, ElementType type, int[] shape, byte[] data, float[]? scales = null, int axis = 0, int zeroPoint = 0) =>
        _model.AddTensor(new TensorDef
        {
            Name = UniqueTensorName(name), Type = type, Shape = shape, Data = data, Scales = scales ?? [], QuantizedAxis = axis, ZeroPoint = zeroPoint,
        });

    private int AddInt8Constant(string name, int[] shape, sbyte[] values, float[] scales, int axis) =>
        AddConstant(name, ElementType.Int8, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), scales, scales.Length > 1 ? axis : 0);

    private int AddInt32Constant(string name, int[] values) =>
        AddConstant(name, ElementType.Int32, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private int AddFloatConstant(string name, int[] shape, float[] values) =>
        AddConstant(name, ElementType.Float32, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    private OperatorDef AddOperator(OpType type, string name, int[] inputs, int[] outputs, int[]? ints = null, float[]? floats = null,
        (int QMin, int QMax)? clamp = null)
    {
        var op = new OperatorDef
        {
            Type = type, Name = name, Inputs = inputs, Outputs = outputs, Ints = ints ?? [], Floats = floats ?? [],
        };
        if (clamp is { } c)
        {
            op.ActivationMin = c.QMin;
            op.ActivationMax = c.QMax;
        }
        _model.Operators.Add(op);
        return op;
    }

    /// <summary>
    /// The node's output as a new int8 activation quantized from calibration, bound to the ONNX name;
    /// returns its index and quantization.
    /// </summary>
    private (int Index, ActivationQuantization Q) NewOutput(GraphNode node, int[] nhwcShape, int[] onnxShape)
    {
        string name = node.Outputs[0];
        var q = QuantizationOf(name, $"node {node.Describe()}");
        int index = AddActivation(name, nhwcShape, q);
        Bind(name, new LoweredValue { Tensor = index, OnnxShape = onnxShape });
        return (index, q);
    }

    /// <summary>An output that keeps its input's quantization exactly (max pool, pad, reshape, shuffle).</summary>
    private int NewOutputLike(GraphNode node, TensorDef like, int[] nhwcShape, int[] onnxShape, string? valueName = null)
    {
        valueName ??= node.Outputs[0];
        int index = AddActivation(valueName, nhwcShape, QuantizationOf(like));
        Bind(valueName, new LoweredValue { Tensor = index, OnnxShape = onnxShape });
        return index;
    }

    /// <summary>A flatten view becomes a real [N, K] tensor; only when its NHWC and NCHW orders agree (H = W = 1).</summary>
    private LoweredValue Materialize(LoweredValue view, string valueName, string forWhat)
    {
        var (c, h, w) = view.FlattenOf!.Value;
        if (h * w != 1)
            throw new ConversionException(
                $"{forWhat}: '{valueName}' flattens a {c}x{h}x{w} feature map, and only a fully connected layer can read that (NCHW flatten order differs from NHWC)");
        var source = TensorOf(view);
        int index = AddActivation(valueName, (int[])view.OnnxShape.Clone(), QuantizationOf(source));
        AddOperator(OpType.Reshape, valueName + "_reshape", [view.Tensor], [index]);
        var real = new LoweredValue { Tensor = index, OnnxShape = view.OnnxShape };
        Bind(valueName, real);
        return real;
    }

    // ---- constants and attributes ----

    private Tensor ConstantInput(GraphNode node, int index, string what)
    {
        string? name = node.InputOrNull(index);
        if (name is null) throw new ConversionException($"node {node.Describe()}: the {what} input is missing");
        var value = _graph.FindValue(name);
        return value?.Constant ?? throw new ConversionException($"node {node.Describe()}: the {what} '{name}' must be a constant (initializer) to be quantized");
    }

    private Tensor? OptionalConstantInput(GraphNode node, int index, string what) =>
        node.InputOrNull(index) is null ? null : ConstantInput(node, index, what);

    private static int[] Ints(GraphNode node, string name, int[] defaults)
    {
        var v = node.GetInts(name);
        return v is null || v.Length == 0 ? defaults : Array.ConvertAll(v, x => checked((int)x));
    }

    internal static int[] Nhwc(int[] nchw) => nchw.Length == 4 ? [nchw[0], nchw[2], nchw[3], nchw[1]] : (int[])nchw.Clone();

    internal static string Format(int[] shape) => "[" + string.Join(",", shape) + "]";

    private static ConversionException Fail(GraphNode node, string problem) => new($"node {node.Describe()}: {problem}");

    private LoweredValue RequireImage(GraphNode node, int index)
    {
        var v = ActivationInput(node, index);
        if (!v.IsImage) throw Fail(node, $"input '{node.Inputs[index]}' has shape {Format(v.OnnxShape)}; this operator needs an [N, C, H, W] feature map");
        return v;
    }
}
