using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// Concat along an NHWC axis; each input requantized to the output's scale if it differs, as
/// <see cref="Concat.RunInput"/> specifies. In NHWC memory an input is a run of equal blocks (its extent
/// on the axis times everything inside it), one per index of the axes outside it, each landing at its
/// offset in the output's larger block: whole-block copies, or a 256-entry table when the input needs
/// rescaling (the rescale of a byte depends on that byte alone).
/// </summary>
internal sealed unsafe class ConcatStep : Step
{
    private readonly TensorSlot[] _inputs;
    private readonly TensorSlot _output;
    private readonly Part[] _parts;
    private readonly int _outer;

    /// <summary>One input: block bytes, where its block starts inside the output's, and its table (null: copy).</summary>
    private readonly record struct Part(int BlockBytes, int OutputOffset, sbyte[]? Table);

    public ConcatStep(OperatorDef op, TensorSlot[] inputs, TensorSlot output) : base(op)
    {
        _inputs = inputs;
        _output = output;
        // The model stores the axis for the tensors' own rank; Shape4 pads on the left, so shift it. The
        // axis and the input shapes were checked when the model was loaded (ModelValidator.Concat).
        int axis = op.Ints[0] + (4 - output.Tensor.Shape.Length);
        var outShape = output.Shape4;
        int inner = 1;
        for (int d = axis + 1; d < 4; d++) inner *= outShape[d];
        _outer = 1;
        for (int d = 0; d < axis; d++) _outer *= outShape[d];
        _parts = new Part[inputs.Length];
        int offset = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            var rescale = Rescale.Create(inputs[i].Scale, inputs[i].ZeroPoint, output.Scale, output.ZeroPoint, op.ActivationMin, op.ActivationMax);
            rescale.Validate();
            int extent = inputs[i].Shape4[axis];
            _parts[i] = new Part(extent * inner, offset * inner, rescale.IsIdentity ? null : Table(rescale));
            offset += extent;
        }
    }

    private static sbyte[] Table(in Rescale rescale)
    {
        var table = new sbyte[256];
        for (int x = sbyte.MinValue; x <= sbyte.MaxValue; x++) table[(byte)x] = rescale.Apply(x);
        return table;
    }

    public override void Execute(Span<byte> arena)
    {
        int outputBlock = _output.ElementCount / _outer;
        fixed (byte* p = arena)
        {
            sbyte* output = (sbyte*)(p + _output.Offset);
            for (int i = 0; i < _parts.Length; i++)
            {
                var part = _parts[i];
                sbyte* input = (sbyte*)(p + _inputs[i].Offset);
                for (int o = 0; o < _outer; o++)
                {
                    sbyte* src = input + (nint)o * part.BlockBytes;
                    sbyte* dst = output + (nint)o * outputBlock + part.OutputOffset;
                    if (part.Table is null)
                    {
                        Buffer.MemoryCopy(src, dst, part.BlockBytes, part.BlockBytes);
                        continue;
                    }
                    fixed (sbyte* table = part.Table)
                        for (int j = 0; j < part.BlockBytes; j++) dst[j] = table[(byte)src[j]];
                }
            }
        }
    }
}
