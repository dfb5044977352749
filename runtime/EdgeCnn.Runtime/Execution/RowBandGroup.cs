using EdgeCnn.Reference;
using EdgeCnn.Threading;

namespace EdgeCnn.Execution;

/// <summary>
/// Consecutive steps run as one parallel operation: worker w computes band w of the output rows of the
/// first step, then the same band of the next step, and so on, with no barrier between the steps. That
/// is exact when every later step reads what earlier steps of the group wrote only at the pixels it
/// writes itself (a 1x1 convolution with stride 1, an element-wise Add or Mul): the band it reads is the
/// band its own worker has just written. The first step may read anything written before the group
/// (a depthwise 3x3 reads the rows around its band). In MobileNetV2 an inverted residual block becomes
/// depthwise, projection, Add and the next block's expansion in one group: on 2 threads a barrier costs
/// about a microsecond of handing work between the cores, plus whatever one worker waits for the other,
/// and each worker keeps reading the rows it wrote from its own cache.
/// <para>
/// While a group runs, its workers are at different steps, so no tensor a step of the group writes may
/// share arena memory with one the group reads or writes: <see cref="ExecutionPlan"/> plans the arena
/// as if the whole group ran at once.
/// </para>
/// </summary>
internal sealed unsafe class RowBandGroup : IPlanStage, IParallelWork
{
    private readonly IRowBandStep[] _steps;
    private readonly int _rows;
    // Valid only during Execute: what the bands read.
    private byte* _arena;
    private RunContext? _context;
    private int _bands;

    private RowBandGroup(IRowBandStep[] steps, int rows)
    {
        _steps = steps;
        _rows = rows;
    }

    /// <summary>Index of the first and the last step of the group in the plan.</summary>
    public int First { get; private init; }
    public int Last { get; private init; }

    /// <summary>
    /// The groups of at least two steps among <paramref name="steps"/> for <paramref name="threads"/>
    /// threads, in order. A group starts at a step that runs in bands over at least 4 rows per thread
    /// (fewer would leave the bands uneven: 7 rows split 3 | 4) and takes each following step that runs in
    /// bands over the same grid and reads the tensors of the group pointwise. One thread: none.
    /// </summary>
    public static List<RowBandGroup> Find(Step[] steps, int threads)
    {
        var groups = new List<RowBandGroup>();
        if (threads <= 1) return groups;
        var written = new HashSet<int>();
        for (int s = 0; s < steps.Length;)
        {
            if (steps[s] is not IRowBandStep { RunsInBands: true } first || Rows(first.OutputShape) < 4 * threads)
            {
                s++;
                continue;
            }
            var grid = first.OutputShape;
            written.Clear();
            written.UnionWith(steps[s].Operator.Outputs);
            int end = s + 1;
            while (end < steps.Length && steps[end] is IRowBandStep { RunsInBands: true } next && SameGrid(next.OutputShape, grid)
                && steps[end].Operator.Inputs.All(t => !written.Contains(t) || next.ReadsPointwise(t)))
            {
                written.UnionWith(steps[end].Operator.Outputs);
                end++;
            }
            if (end - s >= 2)
            {
                var members = steps[s..end].Cast<IRowBandStep>().ToArray();
                groups.Add(new RowBandGroup(members, Rows(grid)) { First = s, Last = end - 1 });
            }
            s = end;
        }
        return groups;
    }

    private static int Rows(Shape4 shape) => shape.N * shape.H;

    private static bool SameGrid(Shape4 a, Shape4 b) => a.N == b.N && a.H == b.H && a.W == b.W;

    public void Execute(Span<byte> arena, RunContext context)
    {
        fixed (byte* a = arena)
        {
            _arena = a;
            _context = context;
            _bands = Math.Min(context.Threads, _rows);
            try
            {
                context.Pool.Run(this, _bands);
            }
            finally
            {
                _arena = null;
                _context = null;
            }
        }
    }

    /// <summary>Band <paramref name="task"/>: its rows of every step in turn.</summary>
    void IParallelWork.Execute(int task, int worker)
    {
        int begin = (int)((long)task * _rows / _bands), end = (int)((long)(task + 1) * _rows / _bands);
        byte* scratch = _context!.Scratch(worker);
        foreach (var step in _steps) step.RunBand(_arena, begin, end, scratch);
    }
}
