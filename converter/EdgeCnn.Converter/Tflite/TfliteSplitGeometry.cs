using Op = EdgeCnn.Converter.Tflite.TfliteBuiltinOperator;

namespace EdgeCnn.Converter.Tflite;

/// <summary>
/// SPLIT (axis, input) and SPLIT_V (input, size_splits, axis), as both importers read them: the axis,
/// and each output's size along it, taken from the outputs' shapes and checked against the input
/// (and, for SPLIT_V, against size_splits, where -1 means "the rest").
/// </summary>
internal static class TfliteSplitGeometry
{
    public static int InputSlot(TfliteOperator op) => op.BuiltinCode == Op.SplitV ? 0 : 1;

    public static (int Axis, int[] Sizes) Resolve(TfliteOperator op, TfliteModelFile file, string context, Func<int, int[]> constantInts)
    {
        bool variable = op.BuiltinCode == Op.SplitV;
        if (op.Inputs.Length != (variable ? 3 : 2) || op.Outputs.Length < 1 || op.Inputs.Any(i => i < 0) || op.Outputs.Any(o => o < 0))
            throw file.Error($"{context}: has {op.Inputs.Length} inputs and {op.Outputs.Length} outputs; {(variable ? 3 : 2)} inputs and at least 1 output expected");
        var inputTensor = file.Tensors[op.Inputs[InputSlot(op)]];
        var axisValues = constantInts(variable ? 2 : 0);
        int rank = inputTensor.Shape.Length;
        if (rank is < 1 or > 4) throw file.Error($"{context}: {inputTensor} has rank {rank}; 1 to 4 expected");
        TfliteShapes.RequirePositive(inputTensor, file, context);
        if (axisValues.Length != 1) throw file.Error($"{context}: the axis holds {axisValues.Length} values; 1 expected");
        int axis = axisValues[0] < 0 ? axisValues[0] + rank : axisValues[0];
        if (axis < 0 || axis >= rank) throw file.Error($"{context}: axis {axisValues[0]} is outside rank {rank}");

        var sizes = new int[op.Outputs.Length];
        for (int k = 0; k < sizes.Length; k++)
        {
            var outputTensor = file.Tensors[op.Outputs[k]];
            var expected = (int[])inputTensor.Shape.Clone();
            expected[axis] = outputTensor.Shape.Length == rank ? outputTensor.Shape[axis] : -1;
            if (!outputTensor.Shape.SequenceEqual(expected) || expected[axis] < 1)
                throw file.Error($"{context}: output {outputTensor} must match the input {TfliteShapes.Format(inputTensor.Shape)} except on axis {axis}");
            sizes[k] = expected[axis];
        }
        if (sizes.Sum(s => (long)s) != inputTensor.Shape[axis])
            throw file.Error($"{context}: the outputs' sizes [{string.Join(",", sizes)}] do not add up to the input's {inputTensor.Shape[axis]} on axis {axis}");
        if (variable)
        {
            var declared = constantInts(1);
            bool consistent = declared.Length == sizes.Length && declared.Zip(sizes).All(p => p.First == p.Second || p.First == -1);
            if (!consistent) throw file.Error($"{context}: size_splits [{string.Join(",", declared)}] disagree with the outputs' sizes [{string.Join(",", sizes)}]");
        }
        return (axis, sizes);
    }
}
