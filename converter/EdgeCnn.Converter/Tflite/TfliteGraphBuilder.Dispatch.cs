using Op = EdgeCnn.Converter.Tflite.TfliteBuiltinOperator;

namespace EdgeCnn.Converter.Tflite;

internal sealed partial class TfliteGraphBuilder
{
    private const int ArgMax = 56;

    private void RequireSupported(TfliteOperator op)
    {
        if (Array.IndexOf(Op.Supported, op.BuiltinCode) < 0 && !(op.BuiltinCode == ArgMax && IsFinalChannelArgMax(op)))
            throw Unsupported(op);
    }

    private TfliteFormatException Unsupported(TfliteOperator op) =>
        _file.Error($"operator {op.Index} is {op.OpName}, which the TFLite importer does not support. Supported operators: {Op.SupportedList}");

    private void Convert(TfliteOperator op)
    {
        switch (op.BuiltinCode)
        {
            case Op.Conv2D: Convolution(op, depthwise: false); break;
            case Op.DepthwiseConv2D: Convolution(op, depthwise: true); break;
            case Op.FullyConnected: FullyConnected(op); break;
            case Op.AveragePool2D: Pool(op, average: true); break;
            case Op.MaxPool2D: Pool(op, average: false); break;
            case Op.Add: Elementwise(op, add: true); break;
            case Op.Mul: Elementwise(op, add: false); break;
            case Op.Concatenation: Concatenation(op); break;
            case Op.Reshape: Reshape(op, maxInputs: 2); break;
            case Op.Squeeze: Reshape(op, maxInputs: 1); break;
            case Op.Softmax: Softmax(op); break;
            case Op.Mean: Mean(op); break;
            case Op.Pad: Pad(op); break;
            case Op.ResizeBilinear: Resize(op, bilinear: true); break;
            case Op.ResizeNearestNeighbor: Resize(op, bilinear: false); break;
            case Op.Logistic: Activation(op, EdgeCnn.Model.ActivationKind.Sigmoid); break;
            case Op.HardSwish: Activation(op, EdgeCnn.Model.ActivationKind.HardSwish); break;
            case Op.Quantize: Quantize(op); break;
            case Op.Dequantize: Dequantize(op); break;
            case Op.Split: case Op.SplitV: Split(op); break;
            case ArgMax when IsFinalChannelArgMax(op): _droppedArgMax[op.Outputs[0]] = op.Inputs[0]; break;
            default: throw Unsupported(op);
        }
    }

    /// <summary>
    /// A last ARG_MAX over the channel axis that produces a graph output (segmentation models such as
    /// DeepLab end this way) is dropped: the output becomes the per-class scores, whose argmax the caller
    /// takes. The model's metadata records that this happened.
    /// </summary>
    private bool IsFinalChannelArgMax(TfliteOperator op)
    {
        if (op.Index != _file.Operators.Count - 1 || op.Inputs.Length != 2 || op.Outputs.Length != 1) return false;
        if (op.Inputs[0] < 0 || op.Inputs[1] < 0 || !_file.OutputSet.Contains(op.Outputs[0])) return false;
        var input = _file.Tensors[op.Inputs[0]];
        var axisTensor = _file.Tensors[op.Inputs[1]];
        if (input.Shape.Length != 4 || !HasData(axisTensor)) return false;
        var axis = ConstantInts(axisTensor, Context(op));
        return axis.Length == 1 && (axis[0] == 3 || axis[0] == -1);
    }
}
