using EdgeCnn.Kernels.Gemm;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// How one GEMM is cut into tasks: a task is a contiguous range of row tiles (an M chunk) times a
/// contiguous range of column tiles (an N block). Each task packs its own rows once and reads its own
/// columns of B once per packed chunk (<see cref="GemmKernel.PanelChunkBytes"/>), so a cut repeats work:
/// every N block packs the rows again and every M chunk reads the weights again. The cut never changes
/// the arithmetic, only where time goes.
/// <para>
/// One thread: a single task. Several: for T, 2T and 4T tasks, every split of M chunks x N blocks is
/// scored by its repeated work, divided over the threads, plus half a task of expected tail (on a shared
/// machine one worker is often late, and more, smaller tasks let the others cover for it):
/// cost = (nBlocks * M * K * packCost + mChunks * N * K * weightCost + sharedLines * lineCost) / T
/// + MACs / (2 * tasks) * macCost + the idle share of a task count that threads do not divide,
/// in approximate cycles of one core: a MAC is 1/64 (vpdpbusd, sdot), a
/// gathered and packed activation byte 1/8, a weight byte streamed from L2 or L3 1/16, an output cache
/// line written by two threads 500 (an N cut off a 64-byte boundary shares one per output row). Early layers (large M, small weights) are cut along
/// M; late layers (49 pixels, megabytes of weights) along N.
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

    /// <summary>The cheapest cut of an m-row product for <paramref name="threads"/> threads, whose output rows are <paramref name="outputStride"/> bytes apart (0: N; a convolution's OutC).</summary>
    public static GemmPartition For(GemmKernel kernel, int m, PackedGemmWeights w, int threads, int outputStride = 0)
    {
        if (outputStride == 0) outputStride = w.N;
        int mTiles = kernel.MTiles(m), nTiles = w.NTiles;
        var best = new GemmPartition(mTiles, nTiles, nTiles, 1);
        if (threads <= 1) return best;

        double macs = (double)m * w.N * w.K;
        double bestCost = double.MaxValue;
        foreach (int wanted in (ReadOnlySpan<int>)[threads, 2 * threads, 4 * threads])
        {
            for (int chunks = 1; chunks <= Math.Min(mTiles, wanted); chunks++)
            {
                int blocksWanted = (wanted + chunks - 1) / chunks;
                if (blocksWanted > nTiles) continue;
                int block = (nTiles + blocksWanted - 1) / blocksWanted;
                var candidate = new GemmPartition(mTiles, nTiles, block, chunks);
                double repeated = candidate.NBlocks * (double)m * w.K / 8 + chunks * (double)w.N * w.K / 16;
                bool lineAligned = outputStride % 64 == 0 && block * kernel.Layout.NR % 64 == 0;
                double shared = lineAligned ? 0 : (candidate.NBlocks - 1) * (double)m * SharedLineCycles;
                // Tasks that do not divide evenly leave a worker idle for the remainder's share.
                int tasks = candidate.Tasks, rounds = (tasks + threads - 1) / threads;
                double uneven = macs / 64 * (rounds * threads - tasks) / ((double)tasks * threads);
                double cost = (repeated + shared) / threads + macs / 64 / (2.0 * tasks) + uneven;
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = candidate;
                }
            }
        }
        return best;
    }

    /// <summary>Task t: an M chunk (inner index) of an N block (outer index).</summary>
    public (int MTileBegin, int MTileEnd, int NTileBegin, int NTileEnd) Task(int t)
    {
        int nb = t / MChunks, chunk = t - nb * MChunks;
        int begin = nb * NBlockTiles;
        int m0 = (int)((long)chunk * MTiles / MChunks), m1 = (int)((long)(chunk + 1) * MTiles / MChunks);
        return (m0, m1, begin, Math.Min(NTiles, begin + NBlockTiles));
    }
}
