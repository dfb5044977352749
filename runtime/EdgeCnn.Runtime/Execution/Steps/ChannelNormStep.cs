using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Elementwise;
using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// LayerNorm and L2Norm over the last axis: constants prepared once here, then the table's vector kernel
/// (bit-identical to the reference) or the reference operator.
/// </summary>
internal sealed unsafe class ChannelNormStep : Step
{
    private readonly TensorSlot _input, _output;
    private readonly ChannelNormQuantization _q;
    private readonly KernelInfo? _kernel;

    public ChannelNormStep(OperatorDef op, TensorSlot input, int gammaIndex, int betaIndex, TensorSlot output, ModelConstants constants) : base(op)
    {
        _input = input;
        _output = output;
        int channels = input.Tensor.Shape[^1];
        float epsilon = op.Floats[0];
        _q = op.Type == OpType.LayerNorm
            ? ChannelNormQuantization.LayerNorm(channels, input.Scale, input.ZeroPoint, constants.Float32(gammaIndex), constants.Float32(betaIndex),
                epsilon, output.Scale, output.ZeroPoint, op.ActivationMin, op.ActivationMax)
            : ChannelNormQuantization.L2Norm(channels, input.Scale, input.ZeroPoint, epsilon, output.Scale, output.ZeroPoint, op.ActivationMin, op.ActivationMax);
        _kernel = KernelTable.BestPointwise(op.Type == OpType.LayerNorm ? KernelOp.LayerNorm : KernelOp.L2Norm);
    }

    public override KernelInfo? Kernel => _kernel;

    public override long Macs => 2L * _input.ElementCount;

    public override void Execute(Span<byte> arena)
    {
        if (_kernel is null)
        {
            if (Type == OpType.LayerNorm) LayerNorm.Run(_input.Int8(arena), _q, _output.Int8(arena));
            else L2Norm.Run(_input.Int8(arena), _q, _output.Int8(arena));
            return;
        }
        int rows = _input.ElementCount / _q.Channels;
        fixed (byte* p = arena)
        {
            var x = (sbyte*)(p + _input.Offset);
            var y = (sbyte*)(p + _output.Offset);
            if (Type == OpType.LayerNorm) ChannelNormVector128.LayerNorm(x, y, rows, _q);
            else ChannelNormVector128.L2Norm(x, y, rows, _q);
        }
    }
}
