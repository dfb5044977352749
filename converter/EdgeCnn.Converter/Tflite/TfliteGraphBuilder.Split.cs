using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tflite;

// SPLIT / SPLIT_V: one Slice per output, each a box of the input along the axis
// (TfliteSplitGeometry); an output quantized differently from the input is requantized.
internal sealed partial class TfliteGraphBuilder
{
    private void Split(TfliteOperator op)
    {
        string context = Context(op);
        var (axis, sizes) = TfliteSplitGeometry.Resolve(op, _file, context, slot => ConstantInts(_file.Tensors[op.Inputs[slot]], context));
        int slot = TfliteSplitGeometry.InputSlot(op);
        int rank = _file.Tensors[op.Inputs[slot]].Shape.Length;
        int input = Int8Input(op, slot, "input");
        var source = Ours(input);
        int start = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            var outputTensor = _file.Tensors[op.Outputs[k]];
            int final = NewActivation(outputTensor, context);
            int target = final;
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
