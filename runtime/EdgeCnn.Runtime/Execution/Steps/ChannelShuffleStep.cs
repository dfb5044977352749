using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// ShuffleNet channel shuffle, out[..., k * groups + g] = in[..., g * (C / groups) + k], as
/// <see cref="ChannelShuffle.Run"/> specifies: a pointer loop writing each pixel's channels in order
/// (the reference's indexed spans were a tenth of ShuffleNet's time).
/// </summary>
internal sealed unsafe class ChannelShuffleStep : Step
{
    private readonly TensorSlot _input, _output;
    private readonly int _groups;

    public ChannelShuffleStep(OperatorDef op, TensorSlot input, TensorSlot output) : base(op)
    {
        _input = input;
        _output = output;
        // Groups dividing the channels and equal shapes were checked at load (ModelValidator.ChannelShuffle).
        _groups = op.Ints[0];
    }

    public override void Execute(Span<byte> arena)
    {
        var shape = _input.Shape4;
        int c = shape.C, groups = _groups, perGroup = c / groups, pixels = shape.Count / c;
        fixed (byte* p = arena)
        {
            sbyte* input = (sbyte*)(p + _input.Offset);
            sbyte* output = (sbyte*)(p + _output.Offset);
            for (int pixel = 0; pixel < pixels; pixel++, input += c)
                for (int k = 0; k < perGroup; k++)
                    for (int g = 0; g < groups; g++)
                        *output++ = input[g * perGroup + k];
        }
    }
}
