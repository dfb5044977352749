using EdgeCnn.Execution.Steps;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The cut of a GEMM into tasks: every output tile belongs to exactly one task for any shape and thread
/// count, one thread gets one task, and the cut follows the shape (rows for early layers, columns for
/// late ones).
/// </summary>
public class GemmPartitionTests
{
    private static readonly GemmKernel Kernel = KernelTable.Gemm.Single(k => k.Info.Name == "Gemm_Int8_AvxVnni_6x16");

    private static PackedGemmWeights Weights(int n, int k) =>
        Kernel.Pack(new sbyte[(long)n * k], n, k, new int[n], Enumerable.Repeat(0.01f, n).ToArray(), 0, 0, -128, 127);

    public static TheoryData<int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 2 }, { 1, 1000, 512, 2 }, { 5, 7, 9, 3 }, { 49, 512, 4608, 2 }, { 49, 512, 4608, 4 },
        { 3136, 64, 576, 2 }, { 3136, 64, 576, 3 }, { 196, 256, 2304, 2 }, { 12544, 64, 147, 4 }, { 7, 33, 40, 8 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryTileBelongsToExactlyOneTask(int m, int n, int k, int threads)
    {
        var partition = GemmPartition.For(Kernel, m, Weights(n, k), threads);
        var owner = new int[partition.MTiles, partition.NTiles];
        for (int t = 0; t < partition.Tasks; t++)
        {
            var (m0, m1, n0, n1) = partition.Task(t);
            Assert.True(m0 < m1 && n0 < n1, $"task {t} of {partition} is empty");
            for (int i = m0; i < m1; i++)
                for (int j = n0; j < n1; j++)
                    owner[i, j]++;
        }
        Assert.All(owner.Cast<int>(), count => Assert.Equal(1, count));
        Assert.Equal(Kernel.MTiles(m), partition.MTiles);
    }

    [Fact]
    public void OneThreadRunsOneTask()
    {
        var partition = GemmPartition.For(Kernel, 3136, Weights(64, 576), 1);
        Assert.Equal(1, partition.Tasks);
        Assert.Equal((0, partition.MTiles, 0, partition.NTiles), partition.Task(0));
    }

    [Fact]
    public void EarlyLayersAreCutAlongRowsAndLateLayersAlongColumns()
    {
        // ResNet-18 layer1 3x3: 3136 pixels, 36 KiB of weights. Cutting columns would pack every row twice.
        var early = GemmPartition.For(Kernel, 3136, Weights(64, 576), 2);
        Assert.Equal(1, early.NBlocks);
        Assert.True(early.MChunks >= 2, early.ToString());
        // layer4 3x3: 49 pixels, 2.3 MiB of weights. Cutting rows would stream the weights once per chunk.
        var late = GemmPartition.For(Kernel, 49, Weights(512, 4608), 2);
        Assert.Equal(1, late.MChunks);
        Assert.True(late.NBlocks >= 2, late.ToString());
    }

    [Fact]
    public void TwoThreadsGetOneTaskEachWhenTheWorkDividesEvenly()
    {
        // MobileNetV2 56x56 expansion, 24 -> 144: 523 row tiles, cut 261 | 262 in two tasks. Smaller tasks
        // would only add their start-up cost (measured 1-2.5 us per layer going from 8 tasks to 2).
        var p = GemmPartition.For(Kernel, 3136, Weights(144, 24), 2);
        Assert.Equal(2, p.Tasks);
        Assert.Equal(2, p.MChunks);
    }

    [Fact]
    public void AnOddTileCountIsCutAlongColumnsAtALineBoundary()
    {
        // MobileNetV2 7x7 expansion, 160 -> 960: 49 rows are 9 tiles of 6, which two row chunks split
        // 4 | 5 (the helper ran 6 us longer than the caller). Columns split 32 | 28 tiles of 16 channels,
        // at a 64-byte boundary of every output row, so no cache line is written by both threads.
        var p = GemmPartition.For(Kernel, 49, Weights(960, 160), 2);
        Assert.Equal(1, p.MChunks);
        Assert.Equal(2, p.NBlocks);
        Assert.Equal(0, p.NBlockTiles * 16 % 64);
    }

    [Fact]
    public void TasksOfOneWorkerAreABandOfRows()
    {
        // A 4 x 2 cut on two threads: the first worker's part (tasks 0-3) is the top half of the rows in
        // both column blocks, the rows the operators before and after it give the same worker.
        var p = new GemmPartition(MTiles: 40, NTiles: 8, NBlockTiles: 4, MChunks: 4);
        var first = Enumerable.Range(0, 4).Select(p.Task).ToArray();
        Assert.All(first, t => Assert.True(t.MTileEnd <= 20, $"task {t} is outside the top half"));
        Assert.Equal(new[] { 0, 4, 0, 4 }, first.Select(t => t.NTileBegin));
    }

    [Theory]
    [InlineData(new[] { 1.0, 1, 1, 1 }, 2, 2.0)]
    [InlineData(new[] { 4.0, 5 }, 2, 5.0)]
    [InlineData(new[] { 1.0, 1, 1, 3 }, 2, 4.0)] // worker 1 has claimed task 3 before worker 0 ends its part at 2
    [InlineData(new[] { 1.0, 3, 1 }, 2, 3.0)] // worker 0: task 0, then steals task 2 while worker 1 runs task 1
    [InlineData(new[] { 2.0, 2, 2 }, 1, 6.0)]
    public void PoolMakespanFollowsTheClaimOrder(double[] costs, int workers, double expected) =>
        Assert.Equal(expected, GemmPartition.PoolMakespan(costs, workers));
}
