using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Elementwise;
using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Execution.Steps;

/// <summary>MaxPool, AvgPool, GlobalAvgPool, GlobalMaxPool.</summary>
internal sealed unsafe class PoolStep : Step
{
    private readonly TensorSlot _input, _output;
    private readonly PoolGeometry _geometry;
    private readonly bool _countIncludePad;
    private readonly float _scaleRatio;
    private readonly KernelInfo? _kernel;

    public PoolStep(OperatorDef op, TensorSlot input, TensorSlot output) : base(op)
    {
        _input = input;
        _output = output;
        _scaleRatio = input.Scale / output.Scale;
        if (op.Type is OpType.MaxPool or OpType.AvgPool)
        {
            var p = op.Pool;
            _geometry = PoolGeometry.From(input.Shape4, output.Shape4, p);
            _countIncludePad = p.CountIncludePad;
        }
        if (op.Type == OpType.MaxPool)
        {
            _geometry.Validate();
            Check.Clamp(op.ActivationMin, op.ActivationMax);
            _kernel = KernelTable.BestPointwise(KernelOp.MaxPool);
        }
        else if (op.Type == OpType.AvgPool && _geometry.KernelH * _geometry.KernelW <= PoolVector128.MaxAvgPoolWindow
            // Every window then holds an input position (top and left padding are checked by Validate).
            && _geometry.PadBottom < _geometry.KernelH && _geometry.PadRight < _geometry.KernelW
            && _scaleRatio > 0f && float.IsFinite(_scaleRatio))
        {
            _geometry.Validate();
            new ConvQuantization(input.ZeroPoint, output.ZeroPoint, op.ActivationMin, op.ActivationMax).Validate();
            _kernel = KernelTable.BestPointwise(KernelOp.AvgPool);
        }
        else if (op.Type == OpType.GlobalAvgPool && output.ElementCount == input.Shape4.N * input.Shape4.C
            && _scaleRatio > 0f && float.IsFinite(_scaleRatio))
        {
            new ConvQuantization(input.ZeroPoint, output.ZeroPoint, op.ActivationMin, op.ActivationMax).Validate();
            _kernel = KernelTable.BestPointwise(KernelOp.GlobalAvgPool);
        }
    }

    /// <summary>The table kernel this step runs, or null for the reference operator.</summary>
    public override KernelInfo? Kernel => _kernel;

    public override long Macs => Type switch
    {
        OpType.MaxPool or OpType.AvgPool => _output.ElementCount * (long)_geometry.KernelH * _geometry.KernelW,
        _ => _input.ElementCount,
    };

    public override void Execute(Span<byte> arena)
    {
        if (_kernel is not null)
        {
            fixed (byte* p = arena)
            {
                var x = (sbyte*)(p + _input.Offset);
                var y = (sbyte*)(p + _output.Offset);
                if (Type == OpType.MaxPool) PoolVector128.MaxPool(x, y, _geometry, Operator.ActivationMin, Operator.ActivationMax);
                else if (Type == OpType.AvgPool)
                    PoolVector128.AvgPool(x, y, _geometry, _countIncludePad, _scaleRatio, _input.ZeroPoint, _output.ZeroPoint, Operator.ActivationMin, Operator.ActivationMax);
                else PoolVector128.GlobalAvgPool(x, _input.Shape4, _scaleRatio, _input.ZeroPoint, _output.ZeroPoint, Operator.ActivationMin, Operator.ActivationMax, y);
            }
            return;
        }
        var input = _input.Int8(arena);
        var output = _output.Int8(arena);
        int qmin = Operator.ActivationMin, qmax = Operator.ActivationMax;
        switch (Type)
        {
            case OpType.MaxPool:
                MaxPool.Run(input, _geometry, qmin, qmax, output);
                break;
            case OpType.AvgPool:
                AvgPool.Run(input, _geometry, _countIncludePad, _scaleRatio, _input.ZeroPoint, _output.ZeroPoint, qmin, qmax, output);
                break;
            case OpType.GlobalAvgPool:
                GlobalAvgPool.Run(input, _input.Shape4, _scaleRatio, _input.ZeroPoint, _output.ZeroPoint, qmin, qmax, output);
                break;
            default:
                GlobalMaxPool.Run(input, _input.Shape4, qmin, qmax, output);
                break;
        }
    }
}
