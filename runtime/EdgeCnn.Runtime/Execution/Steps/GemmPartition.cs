using EdgeCnn.Kernels.Gemm;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// How one GEMM is cut into tasks: a task is a contiguous range of row tiles (an M chunk) times a
/// contiguous range of column tiles (an N block). Each task packs its own rows once and reads its own
/// columns of B once per packed chunk (<see cref="GemmKernel.PanelChunkBytes"/>), so a cut repeats work:
/// every N block packs the rows again and every M chunk reads the weights again. The cut never changes
/// the arithmetic, only where time goes.
/// <para>
/// One thread: a single task. Several: every split of M chunks x N blocks for T, 2T and 4T tasks (N
/// blocks of even size, or rounded up to whole 64-byte lines of the output row) is scored by when its
/// last worker would end, claiming tasks as <see cref="Threading.WorkerPool"/> does (its own contiguous
/// part first, then what is left of the others'). A task costs, in approximate cycles of one core: its
/// full tiles at 64 MACs per cycle (a short last tile costs a whole one: 49 rows are 9 tiles of 6, which
/// two row chunks split 4 | 5), its rows gathered and packed at 8 bytes per cycle, its weights streamed
/// once per packed chunk at 16 bytes per cycle, 500 per output row whose cache line it shares with the
/// next block, and <see cref="TaskCycles"/> to start. Early layers (large M, small weights) are cut along
/// M; late ones (49 pixels, megabytes of weights) along N.
/// </para>
/// <para>
/// Tasks are numbered M chunk outer, N block inner, so a worker's contiguous part is a band of output
/// rows whenever there are at least as many chunks as workers: the operators around it cut rows the same
/// way, and each worker then reads what it wrote itself (measured on 2 threads: a 14x14x384 depthwise
/// layer after a 5 x 2 cut ran 15.2 us with N blocks outer, 13.3 us with M chunks outer).
/// </para>
/// </summary>
internal readonly record struct GemmPartition(int MTiles, int NTiles, int NBlockTiles, int MChunks)
{
    public int NBlocks => (NTiles + NBlockTiles - 1) / NBlockTiles;
    public int Tasks => MChunks * NBlocks;

    /// <summary>
    /// Cycles a cache line costs when two threads write it (it moves between the cores at least twice):
    /// an N cut that does not fall on a 64-byte boundary of every output row shares one line per row.
    /// </summary>
    private const double SharedLineCycles = 500;

    /// <summary>
    /// Cycles a task costs beyond its arithmetic: the claim, the driver's set-up, and the first touches of
    /// its rows and weights. Measured on 2 threads (MobileNetV2): going from 8 tasks to 2 per 1x1 layer
    /// saved 1-2.5 us per layer; fewer tasks now win unless they leave a worker idle.
    /// </summary>
    private const double TaskCycles = 2000;

    /// <summary>Tasks a candidate may have (enough for 4 tasks on each of 16 threads).</summary>
    private const int MaxTasks = 64;

    /// <summary>The cheapest cut of an m-row product for <paramref name="threads"/> threads, whose output rows are <paramref name="outputStride"/> bytes apart (0: N; a convolution's OutC).</summary>
    public static GemmPartition For(GemmKernel kernel, int m, PackedGemmWeights w, int threads, int outputStride = 0)
    {
        if (outputStride == 0) outputStride = w.N;
        int mTiles = kernel.MTiles(m), nTiles = w.NTiles;
        var best = new GemmPartition(mTiles, nTiles, nTiles, 1);
        if (threads <= 1) return best;

        var layout = kernel.Layout;
        int lineTiles = Math.Max(1, 64 / layout.NR);
        double bestCost = double.MaxValue;
        Span<double> costs = stackalloc double[MaxTasks];
        foreach (int wanted in (ReadOnlySpan<int>)[threads, 2 * threads, 4 * threads])
        {
            for (int chunks = 1; chunks <= Math.Min(mTiles, wanted); chunks++)
            {
                int blocksWanted = (wanted + chunks - 1) / chunks;
                if (blocksWanted > nTiles) continue;
                int even = (nTiles + blocksWanted - 1) / blocksWanted;
                int aligned = (even + lineTiles - 1) / lineTiles * lineTiles;
                for (int i = 0; i < 2; i++)
                {
                    int block = i == 0 ? even : aligned;
                    if (i == 1 && (aligned == even || aligned >= nTiles)) continue;
                    var candidate = new GemmPartition(mTiles, nTiles, block, chunks);
                    if (candidate.Tasks > MaxTasks) continue;
                    double cost = candidate.Makespan(kernel, w, outputStride, threads, costs);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = candidate;
                    }
                }
            }
        }
        return best;
    }

    /// <summary>When the last worker would end: each task's cost, then the pool's order of claims.</summary>
    private double Makespan(GemmKernel kernel, PackedGemmWeights w, int outputStride, int threads, Span<double> costs)
    {
        var layout = kernel.Layout;
        int k = w.K, tilesPerChunk = kernel.TilesPerChunk(k), tasks = Tasks;
        bool lineAligned = outputStride % 64 == 0 && NBlockTiles * layout.NR % 64 == 0;
        for (int t = 0; t < tasks; t++)
        {
            var (m0, m1, n0, n1) = Task(t);
            double rows = (double)(m1 - m0) * layout.MR, columns = (double)(n1 - n0) * layout.NR;
            int chunks = (m1 - m0 + tilesPerChunk - 1) / tilesPerChunk;
            double shared = lineAligned || n1 == NTiles ? 0 : rows * SharedLineCycles;
            costs[t] = rows * columns * k / 64 + rows * k / 8 + chunks * columns * k / 16 + shared + TaskCycles;
        }
        return PoolMakespan(costs[..tasks], Math.Min(threads, tasks));
    }

    /// <summary>
    /// When the last of <paramref name="workers"/> equally fast workers ends, each claiming as the pool
    /// does: the next task of its own contiguous part, then of the other parts in turn.
    /// </summary>
    internal static double PoolMakespan(ReadOnlySpan<double> costs, int workers)
    {
        int tasks = costs.Length;
        Span<int> next = stackalloc int[workers];
        Span<double> clock = stackalloc double[workers];
        for (int p = 0; p < workers; p++) next[p] = (int)((long)p * tasks / workers);
        for (int claimed = 0; claimed < tasks; claimed++)
        {
            int w = 0;
            for (int i = 1; i < workers; i++)
                if (clock[i] < clock[w]) w = i;
            for (int i = 0; i < workers; i++)
            {
                int p = (w + i) % workers, end = (int)((long)(p + 1) * tasks / workers);
                if (next[p] < end)
                {
                    clock[w] += costs[next[p]++];
                    break;
                }
            }
        }
        double last = 0;
        foreach (double c in clock) last = Math.Max(last, c);
        return last;
    }

    /// <summary>Task t: an N block (inner index) of an M chunk (outer index).</summary>
    public (int MTileBegin, int MTileEnd, int NTileBegin, int NTileEnd) Task(int t)
    {
        int chunk = t / NBlocks, nb = t - chunk * NBlocks;
        int begin = nb * NBlockTiles;
        int m0 = (int)((long)chunk * MTiles / MChunks), m1 = (int)((long)(chunk + 1) * MTiles / MChunks);
        return (m0, m1, begin, Math.Min(NTiles, begin + NBlockTiles));
    }
}
