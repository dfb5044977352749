using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Model;
using EdgeCnn.Quantization;
using EdgeCnn.Reference;
using EdgeCnn.Threading;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// FullyConnected: input flattened to [N, K] in NHWC order, weights [O, K]. Runs as a GEMM on the
/// table's kernel for this CPU (weights packed once per model), else on the reference operator.
/// </summary>
internal sealed unsafe class FullyConnectedStep : Step, IParallelWork
{
    private readonly TensorSlot _input, _output;
    private readonly sbyte[] _weights;
    private readonly int[] _bias;
    private readonly float[] _multipliers;
    private readonly int _batch, _inFeatures, _outFeatures;
    private readonly ConvQuantization _quantization;
    private readonly GemmKernel? _gemm;
    private readonly PackedGemmWeights? _packed;

    // Valid only during Execute(arena, context).
    private byte* _arena;
    private RunContext? _context;
    // The cut for _partitionThreads threads, chosen on the first run with that many (see ConvStep).
    private GemmPartition _partition;
    private int _partitionThreads;

    public FullyConnectedStep(OperatorDef op, TensorSlot input, TensorDef weights, int weightsIndex, int biasIndex, TensorSlot output, ModelConstants constants)
        : base(op)
    {
        _input = input;
        _output = output;
        _weights = constants.Int8(weightsIndex);
        _bias = constants.Int32(biasIndex);
        _outFeatures = weights.Shape[0];
        _inFeatures = weights.Shape[1];
        _batch = input.ElementCount / _inFeatures;
        _multipliers = QuantMath.Multipliers(input.Scale, ConvStep.ExpandScales(weights, _outFeatures), output.Scale);
        _quantization = new ConvQuantization(input.ZeroPoint, output.ZeroPoint, op.ActivationMin, op.ActivationMax);
        if (KernelTable.BestGemm() is { } gemm)
        {
            _gemm = gemm;
            var q = _quantization;
            _packed = constants.Packed((gemm.Info.Name, op.Outputs[0]),
                () => gemm.Pack(_weights, _outFeatures, _inFeatures, _bias, _multipliers, q.InZp, q.OutZp, q.QMin, q.QMax));
        }
    }

    /// <summary>The table kernel this step runs, or null for the reference operator.</summary>
    public override KernelInfo? Kernel => _gemm?.Info;

    public override long Macs => (long)_batch * _inFeatures * _outFeatures;

    public override int ScratchBytes => _gemm?.ScratchBytes(_inFeatures, _batch) ?? 0;

    public override void Execute(Span<byte> arena)
    {
        if (_gemm is not null)
        {
            using var context = new RunContext(1, ScratchBytes);
            Execute(arena, context);
            return;
        }
        FullyConnected.Run(_input.Int8(arena), _weights, _bias, _multipliers, _batch, _inFeatures, _outFeatures, _quantization, _output.Int8(arena));
    }

    public override void Execute(Span<byte> arena, RunContext context)
    {
        if (_gemm is null)
        {
            Execute(arena);
            return;
        }
        fixed (byte* a = arena)
        {
            _arena = a;
            _context = context;
            try
            {
                if (_partitionThreads != context.Threads)
                {
                    _partition = GemmPartition.For(_gemm, _batch, _packed!, context.Threads);
                    _partitionThreads = context.Threads;
                }
                context.Pool.Run(this, _partition.Tasks);
            }
            finally
            {
                _arena = null;
                _context = null;
            }
        }
    }

    void IParallelWork.Execute(int task, int worker)
    {
        var (m0, m1, n0, n1) = _partition.Task(task);
        var rows = GemmRows.Matrix((sbyte*)(_arena + _input.Offset), _inFeatures);
        _gemm!.Run(rows, _batch, _packed!, m0, m1, n0, n1, (sbyte*)(_arena + _output.Offset), _outFeatures, _context!.Scratch(worker));
    }
}
