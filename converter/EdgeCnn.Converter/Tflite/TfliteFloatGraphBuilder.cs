using System.Buffers.Binary;
using EdgeCnn.Converter.Graph;
using Op = EdgeCnn.Converter.Tflite.TfliteBuiltinOperator;

namespace EdgeCnn.Converter.Tflite;

/// <summary>
/// Builds the converter's ONNX-semantic graph from a float TFLite model. TFLite is NHWC, the graph is
/// NCHW: every rank-4 TFLite tensor becomes the NCHW value of the same data, weights are permuted at
/// import (conv OHWI -> OIHW, depthwise 1HWC -> [C*m, 1, kh, kw]), axes are mapped, and SAME padding
/// becomes explicit pads with the extra pad at the bottom / right, as TFLite computes it. The lowering
/// turns the graph back to NHWC; it supports no general Transpose, so the builder never emits one:
/// an NHWC flatten before FULLY_CONNECTED becomes an ONNX Flatten (NCHW order) with the weight
/// columns permuted to match, which keeps the float result exact. Anything that would need a real
/// transpose is refused, naming the operator and its index.
/// </summary>
internal sealed partial class TfliteFloatGraphBuilder
{
    private const int Relu = 19, ReluN1To1 = 20, Relu6 = 21, Tanh = 28;

    private readonly TfliteModelFile _file;
    private readonly ModelGraph _graph;
    private readonly string?[] _valueOf;
    /// <summary>
    /// For a rank-2 value made by flattening an NHWC map with H*W > 1: its (C, H, W). The graph holds
    /// it in NCHW flatten order, TFLite in NHWC order; only FULLY_CONNECTED may read it (by permuting
    /// its weight columns).
    /// </summary>
    private readonly Dictionary<int, (int C, int H, int W)> _nchwFlattened = new();

    public TfliteFloatGraphBuilder(TfliteModelFile file, string name)
    {
        _file = file;
        _graph = new ModelGraph { Name = name, OpsetVersion = 13 };
        _valueOf = new string?[file.Tensors.Count];
    }

    public ModelGraph Build()
    {
        foreach (var op in _file.Operators)
            if (!IsSupported(op.BuiltinCode)) throw Unsupported(op);

        if (_file.Inputs.Length != 1)
            throw _file.Error($"the model has {_file.Inputs.Length} inputs; only single-image-input models are supported");
        var input = _file.Tensors[_file.Inputs[0]];
        if (input.Type != TfliteTensorType.Float32)
            throw _file.Error($"graph input {input} has type {input.Type}; a float model takes float32");
        if (input.Shape.Length != 4)
            throw _file.Error($"graph input {input} has shape {TfliteShapes.Format(input.Shape)}; image models take [N, H, W, C]");
        TfliteShapes.RequirePositive(input, _file, "graph input");
        string inputName = UniqueValueName(input.Name);
        _graph.AddValue(new GraphValue(inputName, TensorElementType.Float32, ToNchw(input.Shape)));
        _graph.Inputs.Add(inputName);
        _valueOf[input.Index] = inputName;

        foreach (var op in _file.Operators) Convert(op);

        foreach (var index in _file.Outputs)
        {
            var tensor = _file.Tensors[index];
            string name = _valueOf[index] ?? throw _file.Error($"graph output {tensor} is not written by any operator");
            if (_nchwFlattened.ContainsKey(index))
                throw _file.Error($"graph output {tensor} is the flatten of a feature map; its NHWC element order cannot be kept without a transpose");
            if (!_graph.Outputs.Contains(name)) _graph.Outputs.Add(name);
        }
        return _graph;
    }

    private static bool IsSupported(int code) => code is Op.Conv2D or Op.DepthwiseConv2D or Op.FullyConnected or Op.AveragePool2D
        or Op.MaxPool2D or Op.Add or Op.Mul or Op.Concatenation or Op.Reshape or Op.Squeeze or Op.Softmax or Op.Mean or Op.Pad
        or Op.ResizeBilinear or Op.ResizeNearestNeighbor or Op.Logistic or Op.HardSwish or Relu or Relu6 or ReluN1To1 or Tanh
        or Op.Split or Op.SplitV;

    private const string SupportedList = "CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD, MUL, "
        + "CONCATENATION, RESHAPE, SQUEEZE, SOFTMAX, MEAN, PAD, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, LOGISTIC, HARD_SWISH, "
        + "RELU, RELU6, RELU_N1_TO_1, TANH, SPLIT, SPLIT_V";

    private TfliteFormatException Unsupported(TfliteOperator op) =>
        _file.Error($"operator {op.Index} is {op.OpName}, which the float TFLite import does not support. Supported operators: {SupportedList}");

    private void Convert(TfliteOperator op)
    {
        switch (op.BuiltinCode)
        {
            case Op.Conv2D: Convolution(op, depthwise: false); break;
            case Op.DepthwiseConv2D: Convolution(op, depthwise: true); break;
            case Op.FullyConnected: FullyConnected(op); break;
            case Op.AveragePool2D: Pool(op, "AveragePool"); break;
            case Op.MaxPool2D: Pool(op, "MaxPool"); break;
            case Op.Add: Binary(op, "Add", ElementwiseOptions.Read(op, _file, ElementwiseOptions.AddUnionType, "AddOptions").Activation); break;
            case Op.Mul: Binary(op, "Mul", ElementwiseOptions.Read(op, _file, ElementwiseOptions.MulUnionType, "MulOptions").Activation); break;
            case Op.Concatenation: Concatenation(op); break;
            case Op.Reshape: Reshape(op, maxInputs: 2); break;
            case Op.Squeeze: Reshape(op, maxInputs: 1); break;
            case Op.Softmax: Softmax(op); break;
            case Op.Mean: Mean(op); break;
            case Op.Pad: Pad(op); break;
            case Op.ResizeBilinear: Resize(op, bilinear: true); break;
            case Op.ResizeNearestNeighbor: Resize(op, bilinear: false); break;
            case Op.Logistic: Unary(op, "Sigmoid"); break;
            case Op.HardSwish: Unary(op, "HardSwish"); break;
            case Op.Split: case Op.SplitV: Split(op); break;
            case Tanh: Unary(op, "Tanh"); break;
            case Relu: Unary(op, "Relu"); break;
            case Relu6: ClipNode(op, 0f, 6f); break;
            case ReluN1To1: ClipNode(op, -1f, 1f); break;
            default: throw Unsupported(op);
        }
    }

    // ---- shared helpers -------------------------------------------------------------------------

    private static string Context(TfliteOperator op) => $"operator {op.Index} ({op.OpName})";

    private static int[] ToNchw(int[] nhwc) => nhwc.Length == 4 ? [nhwc[0], nhwc[3], nhwc[1], nhwc[2]] : (int[])nhwc.Clone();

    /// <summary>NHWC axis -> NCHW axis for rank-4 tensors; other ranks keep their axes.</summary>
    private static int MapAxis(int axis, int rank) => rank == 4 ? axis switch { 0 => 0, 1 => 2, 2 => 3, _ => 1 } : axis;

    private void RequireArity(TfliteOperator op, int minInputs, int maxInputs)
    {
        if (op.Inputs.Length < minInputs || op.Inputs.Length > maxInputs || op.Outputs.Length != 1)
            throw _file.Error($"{Context(op)}: has {op.Inputs.Length} inputs and {op.Outputs.Length} outputs; "
                + $"{minInputs}{(maxInputs != minInputs ? $"..{maxInputs}" : "")} inputs and 1 output expected");
    }

    private TfliteTensor InputTensor(TfliteOperator op, int slot, string role)
    {
        if (slot >= op.Inputs.Length || op.Inputs[slot] < 0)
            throw _file.Error($"{Context(op)}: input {slot} ({role}) is missing");
        return _file.Tensors[op.Inputs[slot]];
    }

    private TfliteTensor? OptionalInput(TfliteOperator op, int slot) =>
        slot < op.Inputs.Length && op.Inputs[slot] >= 0 ? _file.Tensors[op.Inputs[slot]] : null;

    private TfliteTensor OutputTensor(TfliteOperator op) => _file.Tensors[op.Outputs[0]];

    private bool HasData(TfliteTensor tensor) =>
        tensor.BufferIndex != 0 && !_file.BufferData(tensor.BufferIndex, tensor.ToString()).IsEmpty;

    private string UniqueValueName(string name)
    {
        if (name.Length == 0) name = "tensor";
        if (_graph.FindValue(name) is null) return name;
        return _graph.UniqueName(name);
    }

    /// <summary>The graph value holding a tensor: an earlier operator's output, or the constant (NCHW for rank 4).</summary>
    private string Value(TfliteOperator op, int slot, string role)
    {
        var tensor = InputTensor(op, slot, role);
        if (_valueOf[tensor.Index] is { } name)
        {
            if (_nchwFlattened.ContainsKey(tensor.Index) && op.BuiltinCode != Op.FullyConnected)
                throw _file.Error($"{Context(op)}: {tensor} is the flatten of a feature map with H*W > 1 (NHWC order); "
                    + "only FULLY_CONNECTED can read it without a transpose, which the int8 lowering does not support");
            return name;
        }
        if (!HasData(tensor)) throw _file.Error($"{Context(op)}: {tensor} is read before any operator writes it");
        var data = FloatConstant(tensor, Context(op));
        var constant = tensor.Shape.Length == 4 ? new Tensor(ToNchw(tensor.Shape), NhwcToNchw(data, tensor.Shape)) : new Tensor((int[])tensor.Shape.Clone(), data);
        string constantName = UniqueValueName(tensor.Name);
        _graph.AddConstant(constantName, constant);
        return _valueOf[tensor.Index] = constantName;
    }

    private float[] FloatConstant(TfliteTensor tensor, string context)
    {
        if (tensor.Type != TfliteTensorType.Float32)
            throw _file.Error($"{context}: {tensor} has type {tensor.Type}; a float model's constants are float32");
        var data = tensor.BufferIndex == 0 ? ReadOnlyMemory<byte>.Empty : _file.BufferData(tensor.BufferIndex, tensor.ToString());
        if (data.IsEmpty) throw _file.Error($"{context}: {tensor} must be a constant but has no data");
        long count = TfliteShapes.ElementCount(tensor.Shape, _file, context);
        if (data.Length != count * 4)
            throw _file.Error($"{context}: {tensor} holds {data.Length} bytes, expected {count} float32 values");
        _file.Charge(data.Length, $"{context}: {tensor}");
        var span = data.Span;
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(i * 4)..]);
        return values;
    }

    private int[] IntConstant(TfliteTensor tensor, string context)
    {
        var data = tensor.BufferIndex == 0 ? ReadOnlyMemory<byte>.Empty : _file.BufferData(tensor.BufferIndex, tensor.ToString());
        if (data.IsEmpty) throw _file.Error($"{context}: {tensor} must be a constant but has no data");
        int size = tensor.Type switch
        {
            TfliteTensorType.Int32 => 4,
            TfliteTensorType.Int64 => 8,
            _ => throw _file.Error($"{context}: {tensor} has type {tensor.Type}; int32 or int64 expected"),
        };
        long count = TfliteShapes.ElementCount(tensor.Shape, _file, context);
        if (data.Length != count * size)
            throw _file.Error($"{context}: {tensor} holds {data.Length} bytes, expected {count} values of {size} bytes");
        var span = data.Span;
        var values = new int[count];
        for (int i = 0; i < values.Length; i++)
        {
            long v = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(span[(i * 4)..]) : BinaryPrimitives.ReadInt64LittleEndian(span[(i * 8)..]);
            if (v < int.MinValue || v > int.MaxValue) throw _file.Error($"{context}: {tensor} value {v} is out of range");
            values[i] = (int)v;
        }
        return values;
    }

    private static float[] NhwcToNchw(float[] data, int[] nhwc)
    {
        int n = nhwc[0], h = nhwc[1], w = nhwc[2], c = nhwc[3];
        var result = new float[data.Length];
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        result[((b * c + ch) * h + y) * w + x] = data[((b * h + y) * w + x) * c + ch];
        return result;
    }

    /// <summary>Declares the operator's output value (NCHW shape for rank 4) and records it for later readers.</summary>
    private string NewOutput(TfliteOperator op, string? name = null, int output = 0)
    {
        var tensor = _file.Tensors[op.Outputs[output]];
        if (_valueOf[tensor.Index] is not null)
            throw _file.Error($"{Context(op)}: {tensor} is written twice (by the graph input or an earlier operator)");
        if (tensor.Type != TfliteTensorType.Float32)
            throw _file.Error($"{Context(op)}: output {tensor} has type {tensor.Type}; a float model's activations are float32");
        TfliteShapes.RequirePositive(tensor, _file, Context(op));
        string valueName = UniqueValueName(name ?? tensor.Name);
        _graph.AddValue(new GraphValue(valueName, TensorElementType.Float32, ToNchw(tensor.Shape)));
        _valueOf[tensor.Index] = valueName;
        return valueName;
    }

    private string Temporary(string prefix, int[] nchwShape)
    {
        string name = _graph.UniqueName(prefix);
        _graph.AddValue(new GraphValue(name, TensorElementType.Float32, nchwShape));
        return name;
    }

    private string Constant(string prefix, Tensor value)
    {
        string name = _graph.UniqueName(prefix);
        _graph.AddConstant(name, value);
        return name;
    }

    private GraphNode AddNode(string opType, TfliteOperator op, IEnumerable<string> inputs, string output, string? suffix = null)
    {
        var node = new GraphNode(opType, _graph.UniqueName($"{op.OpName.ToLowerInvariant()}{op.Index}{suffix}"), inputs, [output]);
        _graph.Nodes.Add(node);
        return node;
    }

    /// <summary>
    /// Emits the operator's main node into its output, or into a temporary followed by the fused
    /// activation node (Relu / Clip / Tanh); the passes fuse that node back into the producer.
    /// </summary>
    private GraphNode AddWithActivation(string opType, TfliteOperator op, IEnumerable<string> inputs, TfliteActivation activation)
    {
        if (activation == TfliteActivation.None)
            return AddNode(opType, op, inputs, NewOutput(op));
        if (activation is not (TfliteActivation.Relu or TfliteActivation.Relu6 or TfliteActivation.ReluN1To1 or TfliteActivation.Tanh))
            throw _file.Error($"{Context(op)}: fused activation {activation} is not supported (NONE, RELU, RELU6, RELU_N1_TO_1, TANH are)");
        string raw = Temporary(OutputTensor(op).Name + "_preact", ToNchw(OutputTensor(op).Shape));
        var node = AddNode(opType, op, inputs, raw);
        string output = NewOutput(op);
        switch (activation)
        {
            case TfliteActivation.Relu: AddNode("Relu", op, [raw], output, "_relu"); break;
            case TfliteActivation.Tanh: AddNode("Tanh", op, [raw], output, "_tanh"); break;
            case TfliteActivation.Relu6: AddClip(op, raw, output, 0f, 6f); break;
            default: AddClip(op, raw, output, -1f, 1f); break;
        }
        return node;
    }

    private void AddClip(TfliteOperator op, string input, string output, float min, float max) =>
        AddNode("Clip", op, [input, Constant("clip_min", Tensor.Scalar(min)), Constant("clip_max", Tensor.Scalar(max))], output, "_clip");

    private void Unary(TfliteOperator op, string opType)
    {
        RequireArity(op, 1, 1);
        AddNode(opType, op, [Value(op, 0, "input")], NewOutput(op));
    }

    private void ClipNode(TfliteOperator op, float min, float max)
    {
        RequireArity(op, 1, 1);
        string input = Value(op, 0, "input");
        AddClip(op, input, NewOutput(op), min, max);
    }

    private void RequireShape(TfliteOperator op, TfliteTensor tensor, int[] expected)
    {
        if (!tensor.Shape.AsSpan().SequenceEqual(expected))
            throw _file.Error($"{Context(op)}: {tensor} has shape {TfliteShapes.Format(tensor.Shape)}; the operator produces {TfliteShapes.Format(expected)}");
    }
}
