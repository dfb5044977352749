using EdgeCnn.Model;
using Op = EdgeCnn.Converter.Tflite.TfliteBuiltinOperator;

namespace EdgeCnn.Converter.Tflite;

// SPLIT (axis, input) and SPLIT_V (input, size_splits, axis): one Slice per output, each a box of the
// input along the axis. The outputs' shapes in the file give the sizes (checked against the input and,
// for SPLIT_V, against size_splits); an output quantized differently from the input is requantized.
internal sealed partial class TfliteGraphBuilder
{
    private void Split(TfliteOperator op)
    {
        string context = Context(op);
        bool variable = op.BuiltinCode == Op.SplitV;
        if (op.Inputs.Length != (variable ? 3 : 2) || op.Outputs.Length < 1)
            throw _file.Error($"{context}: has {op.Inputs.Length} inputs and {op.Outputs.Length} outputs; {(variable ? 3 : 2)} inputs and at least 1 output expected");
        var inputTensor = Tensor(op, variable ? 0 : 1, "input");
        var axisValues = ConstantInts(Tensor(op, variable ? 2 : 0, "axis"), context);
        int rank = inputTensor.Shape.Length;
        if (rank is < 1 or > 4) throw _file.Error($"{context}: {inputTensor} has rank {rank}; 1 to 4 expected");
        TfliteShapes.RequirePositive(inputTensor, _file, context);
        if (axisValues.Length != 1) throw _file.Error($"{context}: the axis holds {axisValues.Length} values; 1 expected");
        int axis = axisValues[0] < 0 ? axisValues[0] + rank : axisValues[0];
        if (axis < 0 || axis >= rank) throw _file.Error($"{context}: axis {axisValues[0]} is outside rank {rank}");

        var sizes = new int[op.Outputs.Length];
        for (int k = 0; k < sizes.Length; k++)
        {
            var outputTensor = _file.Tensors[op.Outputs[k]];
            var expected = (int[])inputTensor.Shape.Clone();
            expected[axis] = outputTensor.Shape.Length == rank ? outputTensor.Shape[axis] : -1;
            if (!outputTensor.Shape.SequenceEqual(expected) || expected[axis] < 1)
                throw _file.Error($"{context}: output {outputTensor} must match the input {TfliteShapes.Format(inputTensor.Shape)} except on axis {axis}");
            sizes[k] = expected[axis];
        }
        if (sizes.Sum(s => (long)s) != inputTensor.Shape[axis])
            throw _file.Error($"{context}: the outputs' sizes [{string.Join(",", sizes)}] do not add up to the input's {inputTensor.Shape[axis]} on axis {axis}");
        if (variable)
        {
            var declared = ConstantInts(Tensor(op, 1, "size_splits"), context);
            bool consistent = declared.Length == sizes.Length && declared.Zip(sizes).All(p => p.First == p.Second || p.First == -1);
            if (!consistent) throw _file.Error($"{context}: size_splits [{string.Join(",", declared)}] disagree with the outputs' sizes [{string.Join(",", sizes)}]");
        }

        int input = Int8Input(op, variable ? 0 : 1, "input");
        var source = Ours(input);
        int start = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            var outputTensor = _file.Tensors[op.Outputs[k]];
            int final = NewActivation(outputTensor, context);
            var target = final;
            if (Ours(final).Scale != source.Scale || Ours(final).ZeroPoint != source.ZeroPoint)
                target = Scratch(outputTensor.Name + "/unrequantized", ElementType.Int8, (int[])outputTensor.Shape.Clone(), source.Scale, source.ZeroPoint);
            var begin = new int[4];
            begin[4 - rank + axis] = start;
            Emit(OpType.Slice, [input], [target], outputTensor.Name, new SliceParams(begin[0], begin[1], begin[2], begin[3]).ToInts());
            if (target != final) Requantize(target, final, outputTensor.Name);
            start += sizes[k];
        }
    }
}
