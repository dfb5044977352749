using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Depthwise;
using EdgeCnn.Kernels.FirstLayer;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Model;
using EdgeCnn.Quantization;
using EdgeCnn.Reference;
using EdgeCnn.Threading;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// Conv2D, DepthwiseConv2D and TransposedConv2D: weights, int32 bias, per-channel multipliers.
/// Depthwise convolutions with depth multiplier 1 run on the depthwise kernel chosen from the kernel
/// table for this CPU; convolutions with at most 4 input channels (first layers) run on a first-layer
/// kernel when the CPU has one; other convolutions run as one GEMM per group (one for an ordinary convolution;
/// a depthwise convolution with a larger multiplier is a grouped convolution with one input channel per
/// group), with weights packed once per model. Transposed convolutions (and everything on a CPU without
/// a usable vector ISA) run the reference operator. In a <see cref="RowBandGroup"/> the GEMM and
/// depthwise paths compute bands of output rows (<see cref="RunBand"/>).
/// </summary>
internal sealed unsafe class ConvStep : Step, IParallelWork, IRowBandStep
{
    private readonly TensorSlot _input, _output;
    private readonly sbyte[] _weights;
    private readonly int[] _bias;
    private readonly float[] _multipliers;
    private readonly ConvGeometry _geometry;
    private readonly ConvQuantization _quantization;
    private readonly GemmKernel? _gemm;
    private readonly PackedGemmWeights[]? _gemmWeights;
    private readonly DepthwiseKernel? _depthwise;
    private readonly PackedDepthwiseWeights? _depthwiseWeights;
    private readonly FirstLayerKernel? _firstLayer;
    private readonly PackedFirstLayerWeights? _firstLayerWeights;

    // Valid only during Execute(arena, context): what the tasks read.
    private byte* _arena;
    private RunContext? _context;
    private DepthwisePartition _depthwisePartition;
    // The GEMM cut for _partitionThreads threads, chosen on the first run with that many: the cost model
    // scores every split, which is too slow to repeat on every run of a small layer.
    private GemmPartition _partition;
    private int _partitionThreads;
    private int _tilesPerTask;

    public ConvStep(OperatorDef op, TensorSlot input, TensorDef weights, int weightsIndex, int biasIndex, TensorSlot output, ModelConstants constants)
        : base(op)
    {
        _input = input;
        _output = output;
        _weights = constants.Int8(weightsIndex);
        _bias = constants.Int32(biasIndex);
        _multipliers = QuantMath.Multipliers(input.Scale, ExpandScales(weights, output.Tensor.Shape[^1]), output.Scale);
        // Weight layout: OHWI for Conv2D/TransposedConv2D, 1HWC for depthwise: kernel H and W are dims 1 and 2.
        int kernelH = weights.Shape[1], kernelW = weights.Shape[2];
        var p = op.Conv;
        _geometry = op.Type == OpType.DepthwiseConv2D
            ? ConvGeometry.ForDepthwise(input.Shape4, output.Shape4, kernelH, kernelW, p)
            : ConvGeometry.ForConv(input.Shape4, output.Shape4, kernelH, kernelW, p);
        _quantization = new ConvQuantization(input.ZeroPoint, output.ZeroPoint, op.ActivationMin, op.ActivationMax);

        var g = _geometry;
        var q = _quantization;
        bool depthwiseOne = op.Type == OpType.DepthwiseConv2D && g.OutC == g.InC;
        if (depthwiseOne && KernelTable.BestDepthwise() is { } depthwise)
        {
            _depthwise = depthwise;
            _depthwiseWeights = constants.Packed((depthwise.Info.Name, op.Outputs[0]),
                () => depthwise.Pack(_weights, _bias, _multipliers, g, q));
        }
        else if (op.Type == OpType.Conv2D && KernelTable.BestFirstLayer(g) is { } firstLayer)
        {
            _firstLayer = firstLayer;
            _firstLayerWeights = constants.Packed((firstLayer.Info.Name, op.Outputs[0]),
                () => firstLayer.Pack(_weights, _bias, _multipliers, g, q));
        }
        else if (op.Type != OpType.TransposedConv2D && !depthwiseOne && KernelTable.BestGemm() is { } gemm)
        {
            _gemm = gemm;
            bool depthwiseMultiplier = op.Type == OpType.DepthwiseConv2D;
            _gemmWeights = constants.Packed((gemm.Info.Name, op.Outputs[0]),
                () => PackGroups(gemm, depthwiseMultiplier ? DepthwiseAsGroupedWeights(_weights, g) : _weights, g, q));
        }
    }

    /// <summary>One packed GEMM per group: output channels [group * OutC / Groups, ...) of OHWI weights.</summary>
    private PackedGemmWeights[] PackGroups(GemmKernel gemm, sbyte[] ohwi, in ConvGeometry g, in ConvQuantization q)
    {
        int n = g.OutCPerGroup, k = g.KernelH * g.KernelW * g.InCPerGroup;
        var packed = new PackedGemmWeights[g.Groups];
        for (int group = 0; group < g.Groups; group++)
        {
            int first = group * n;
            var bias = _bias.Length == 0 ? ReadOnlySpan<int>.Empty : _bias.AsSpan(first, n);
            packed[group] = gemm.Pack(ohwi.AsSpan(first * k, n * k), n, k, bias, _multipliers.AsSpan(first, n), q.InZp, q.OutZp, q.QMin, q.QMax);
        }
        return packed;
    }

    /// <summary>Depthwise weights [1, KH, KW, OutC] as grouped-convolution weights [OutC, KH, KW, 1].</summary>
    private static sbyte[] DepthwiseAsGroupedWeights(sbyte[] weights, in ConvGeometry g)
    {
        int window = g.KernelH * g.KernelW, channels = g.OutC;
        var ohwi = new sbyte[weights.Length];
        for (int oc = 0; oc < channels; oc++)
            for (int tap = 0; tap < window; tap++)
                ohwi[oc * window + tap] = weights[tap * channels + oc];
        return ohwi;
    }

    /// <summary>The table kernel this step runs, or null for the reference operator.</summary>
    public override KernelInfo? Kernel => _gemm?.Info ?? _depthwise?.Info ?? _firstLayer?.Info;

    public override long Macs
    {
        get
        {
            long window = (long)_geometry.KernelH * _geometry.KernelW;
            return Type switch
            {
                OpType.DepthwiseConv2D => _output.ElementCount * window,
                // Every input element is multiplied into a window of each output channel of its group.
                OpType.TransposedConv2D => _input.ElementCount * window * _geometry.OutCPerGroup,
                _ => _output.ElementCount * window * _geometry.InCPerGroup,
            };
        }
    }

    public override int ScratchBytes => _gemm is null ? 0 : _gemm.ScratchBytes(_gemmWeights![0].K, OutputRows);

    /// <summary>Per-tensor weight scales are expanded so every kernel sees one multiplier per output channel.</summary>
    internal static float[] ExpandScales(TensorDef weights, int channels)
    {
        if (weights.Scales.Length == channels) return weights.Scales;
        var scales = new float[channels];
        Array.Fill(scales, weights.Scale);
        return scales;
    }

    public override void Execute(Span<byte> arena)
    {
        if (_gemm is not null || _depthwise is not null || _firstLayer is not null)
        {
            // Outside a session: a private single-threaded context (allocates; sessions never come here).
            using var context = new RunContext(1, ScratchBytes);
            Execute(arena, context);
            return;
        }
        var input = _input.Int8(arena);
        var output = _output.Int8(arena);
        switch (Type)
        {
            case OpType.Conv2D:
                Conv2D.Run(input, _weights, _bias, _multipliers, _geometry, _quantization, output);
                break;
            case OpType.DepthwiseConv2D:
                DepthwiseConv2D.Run(input, _weights, _bias, _multipliers, _geometry, _quantization, output);
                break;
            default:
                TransposedConv2D.Run(input, _weights, _bias, _multipliers, _geometry, _quantization, output);
                break;
        }
    }

    public override void Execute(Span<byte> arena, RunContext context)
    {
        if (_gemm is null && _depthwise is null && _firstLayer is null)
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
                int tasks;
                if (_gemm is not null)
                {
                    // Every group has the same shape, so one partition serves all; tasks run group by group.
                    if (_partitionThreads != context.Threads)
                    {
                        _partition = GemmPartition.For(_gemm, OutputRows, _gemmWeights![0], context.Threads, _geometry.OutC);
                        _partitionThreads = context.Threads;
                    }
                    tasks = _partition.Tasks * _gemmWeights!.Length;
                }
                else if (_firstLayer is not null)
                {
                    int tiles = _firstLayer.Tiles(_firstLayerWeights!);
                    int wanted = context.Threads == 1 ? 1 : Math.Min(tiles, 4 * context.Threads);
                    _tilesPerTask = (tiles + wanted - 1) / wanted;
                    tasks = (tiles + _tilesPerTask - 1) / _tilesPerTask;
                }
                else
                {
                    _depthwisePartition = DepthwisePartition.For(_depthwiseWeights!.OutputRows, _depthwise!.ChannelBlocks(_depthwiseWeights), _geometry.OutC, context.Threads);
                    tasks = _depthwisePartition.Tasks;
                }
                context.Pool.Run(this, tasks);
            }
            finally
            {
                _arena = null;
                _context = null;
            }
        }
    }

    private int OutputRows => _geometry.N * _geometry.OutH * _geometry.OutW;

    public bool RunsInBands => _gemm is not null || _depthwise is not null;

    public Shape4 OutputShape => _output.Shape4;

    /// <summary>A 1x1 convolution with stride 1 and no padding reads each output pixel's own input pixel.</summary>
    public bool ReadsPointwise(int tensor)
    {
        var g = _geometry;
        return _gemm is not null && tensor == Operator.Inputs[0] && g.KernelH == 1 && g.KernelW == 1 && g.StrideH == 1 && g.StrideW == 1
            && g.PadTop == 0 && g.PadLeft == 0 && g.InH == g.OutH && g.InW == g.OutW;
    }

    public void RunBand(byte* arena, int rowBegin, int rowEnd, byte* scratch)
    {
        var input = (sbyte*)(arena + _input.Offset);
        var output = (sbyte*)(arena + _output.Offset);
        if (_depthwise is not null)
        {
            _depthwise.Run(input, output, _depthwiseWeights!, rowBegin, rowEnd, 0, _depthwise.ChannelBlocks(_depthwiseWeights!));
            return;
        }
        // Rows of output pixels: the GEMM over rows [first, first + m) of the convolution.
        int first = rowBegin * _geometry.OutW, m = (rowEnd - rowBegin) * _geometry.OutW;
        for (int group = 0; group < _gemmWeights!.Length; group++)
        {
            var rows = GemmRows.Convolution(input, _geometry, _quantization.InZp, group).From(first);
            var weights = _gemmWeights[group];
            _gemm!.Run(rows, m, weights, 0, _gemm.MTiles(m), 0, weights.NTiles,
                output + (nint)first * _geometry.OutC + (nint)group * weights.N, _geometry.OutC, scratch);
        }
    }

    void IParallelWork.Execute(int task, int worker)
    {
        var input = (sbyte*)(_arena + _input.Offset);
        var output = (sbyte*)(_arena + _output.Offset);
        if (_gemm is not null)
        {
            int group = task / _partition.Tasks;
            var (m0, m1, n0, n1) = _partition.Task(task - group * _partition.Tasks);
            var rows = GemmRows.Convolution(input, _geometry, _quantization.InZp, group);
            var weights = _gemmWeights![group];
            _gemm.Run(rows, OutputRows, weights, m0, m1, n0, n1, output + (nint)group * weights.N, _geometry.OutC, _context!.Scratch(worker));
        }
        else if (_firstLayer is not null)
        {
            int begin = task * _tilesPerTask;
            _firstLayer.Run(input, output, _firstLayerWeights!, begin, Math.Min(_firstLayer.Tiles(_firstLayerWeights!), begin + _tilesPerTask));
        }
        else
        {
            var (rowBegin, rowEnd, blockBegin, blockEnd) = _depthwisePartition.Task(task);
            _depthwise!.Run(input, output, _depthwiseWeights!, rowBegin, rowEnd, blockBegin, blockEnd);
        }
    }
}
