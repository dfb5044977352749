using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Elementwise;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Model;
using EdgeCnn.Reference;
using EdgeCnn.Threading;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// Add (with coefficients) and Mul, broadcasting over NHWC. When one input has the output's shape and the
/// other has it too, is a single value, or is one row of channels per image ([N or 1, 1, 1, C]: the
/// squeeze-and-excitation scale, a per-channel bias), the step runs the table's vector kernel over
/// contiguous runs; other broadcasts run on the reference operator. Both operations are symmetric in
/// their inputs (float addition and integer multiplication commute exactly), so the full-shape input is
/// always passed first, with its quantization. With several threads, a same-shape or scalar operation of
/// at least <see cref="ParallelElements"/> elements is cut into contiguous ranges (each element's result
/// depends on its own inputs only, so any cut gives the same bytes). In a <see cref="RowBandGroup"/> the
/// vector patterns compute bands of output rows (<see cref="RunBand"/>).
/// </summary>
internal sealed unsafe class BinaryStep : Step, IParallelWork, IRowBandStep
{
    /// <summary>Below this many elements (about 4 us of work) waking a second thread costs more than it saves.</summary>
    internal const int ParallelElements = 16384;

    private enum Pattern { Reference, SameShape, Scalar, ChannelRow }

    private readonly TensorSlot _a, _b, _output;
    private readonly AddQuantization _add, _addFullFirst;
    private readonly MulQuantization _mul, _mulFullFirst;
    private readonly KernelInfo? _kernel;
    private readonly Pattern _pattern;
    private readonly TensorSlot _full, _other;

    public BinaryStep(OperatorDef op, TensorSlot a, TensorSlot b, TensorSlot output) : base(op)
    {
        _a = a;
        _b = b;
        _output = output;
        _full = a;
        _other = b;
        int qmin = op.ActivationMin, qmax = op.ActivationMax;
        if (op.Type == OpType.Add)
        {
            var alpha = op.AddCoefficients;
            _add = AddQuantization.Create(a.Scale, a.ZeroPoint, b.Scale, b.ZeroPoint, alpha.AlphaA, alpha.AlphaB, output.Scale, output.ZeroPoint, qmin, qmax);
        }
        else
        {
            _mul = MulQuantization.Create(a.Scale, a.ZeroPoint, b.Scale, b.ZeroPoint, output.Scale, output.ZeroPoint, qmin, qmax);
        }
        _addFullFirst = _add;
        _mulFullFirst = _mul;

        var outShape = output.Shape4;
        if (a.Shape4 != outShape && b.Shape4 == outShape)
        {
            _full = b;
            _other = a;
            _addFullFirst = _add with { AZp = _add.BZp, AMultiplier = _add.BMultiplier, BZp = _add.AZp, BMultiplier = _add.AMultiplier };
            _mulFullFirst = _mul with { AZp = _mul.BZp, BZp = _mul.AZp };
        }
        _pattern = Classify(_full.Shape4, _other.Shape4, outShape);
        if (_pattern != Pattern.Reference)
        {
            if (op.Type == OpType.Add) _add.Validate();
            else _mul.Validate();
            _kernel = KernelTable.BestPointwise(op.Type == OpType.Add ? KernelOp.Add : KernelOp.Mul);
        }
    }

    private static Pattern Classify(Shape4 full, Shape4 other, Shape4 output)
    {
        if (full != output) return Pattern.Reference;
        if (other == output) return Pattern.SameShape;
        if (other.Count == 1) return Pattern.Scalar;
        if (other.H == 1 && other.W == 1 && other.C == output.C && (other.N == output.N || other.N == 1)) return Pattern.ChannelRow;
        return Pattern.Reference;
    }

    /// <summary>The table kernel this step runs, or null for the reference operator.</summary>
    public override KernelInfo? Kernel => _kernel;

    public override long Macs => _output.ElementCount;

    public override void Execute(Span<byte> arena)
    {
        if (_kernel is null)
        {
            if (Type == OpType.Add)
                Add.Run(_a.Int8(arena), _a.Shape4, _b.Int8(arena), _b.Shape4, _add, _output.Int8(arena), _output.Shape4);
            else
                Mul.Run(_a.Int8(arena), _a.Shape4, _b.Int8(arena), _b.Shape4, _mul, _output.Int8(arena), _output.Shape4);
            return;
        }
        // The whole output is the band of all its rows.
        var shape = _output.Shape4;
        fixed (byte* p = arena) RunBand(p, 0, shape.N * shape.H, null);
    }

    // Valid only during Execute(arena, context): what the tasks read.
    private byte* _arena;
    private int _chunk;

    public override void Execute(Span<byte> arena, RunContext context)
    {
        int count = _output.ElementCount;
        if (_kernel is null || context.Threads == 1 || _pattern is not (Pattern.SameShape or Pattern.Scalar) || count < ParallelElements)
        {
            Execute(arena);
            return;
        }
        fixed (byte* p = arena)
        {
            _arena = p;
            try
            {
                int tasks = 2 * context.Threads;
                _chunk = ((count + tasks - 1) / tasks + 63) & ~63;
                context.Pool.Run(this, (count + _chunk - 1) / _chunk);
            }
            finally
            {
                _arena = null;
            }
        }
    }

    void IParallelWork.Execute(int task, int worker)
    {
        int begin = task * _chunk, count = Math.Min(_chunk, _output.ElementCount - begin);
        var x = (sbyte*)(_arena + _full.Offset) + begin;
        var y = (sbyte*)(_arena + _other.Offset) + (_pattern == Pattern.Scalar ? 0 : begin);
        Run(x, y, _pattern == Pattern.Scalar, (sbyte*)(_arena + _output.Offset) + begin, count);
    }

    public bool RunsInBands => _kernel is not null;

    public Shape4 OutputShape => _output.Shape4;

    /// <summary>The full-shape input always; the other when it has the output's shape too (not a scalar or a row of channels, read whole).</summary>
    public bool ReadsPointwise(int tensor) =>
        tensor == _full.Index || (_pattern == Pattern.SameShape && tensor == _other.Index);

    public void RunBand(byte* arena, int rowBegin, int rowEnd, byte* scratch)
    {
        var shape = _output.Shape4;
        int rowElements = shape.W * shape.C;
        nint begin = (nint)rowBegin * rowElements;
        var x = (sbyte*)(arena + _full.Offset);
        var y = (sbyte*)(arena + _other.Offset);
        var o = (sbyte*)(arena + _output.Offset);
        if (_pattern != Pattern.ChannelRow)
        {
            Run(x + begin, _pattern == Pattern.Scalar ? y : y + begin, _pattern == Pattern.Scalar, o + begin, (rowEnd - rowBegin) * rowElements);
            return;
        }
        int c = shape.C;
        bool perImage = _other.Shape4.N > 1;
        for (int row = rowBegin; row < rowEnd; row++)
        {
            sbyte* channels = y + (perImage ? (nint)(row / shape.H) * c : 0);
            for (int i = 0; i < shape.W; i++)
            {
                nint offset = ((nint)row * shape.W + i) * c;
                Run(x + offset, channels, false, o + offset, c);
            }
        }
    }

    private void Run(sbyte* x, sbyte* y, bool yIsScalar, sbyte* output, int count)
    {
        bool avx2 = _kernel!.Isa == KernelIsa.Avx2;
        if (Type == OpType.Add)
        {
            if (avx2) BinaryAvx2.Add(x, y, yIsScalar, output, count, _addFullFirst);
            else BinaryVector128.Add(x, y, yIsScalar, output, count, _addFullFirst);
        }
        else
        {
            if (avx2) BinaryAvx2.Mul(x, y, yIsScalar, output, count, _mulFullFirst);
            else BinaryVector128.Mul(x, y, yIsScalar, output, count, _mulFullFirst);
        }
    }
}
