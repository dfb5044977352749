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
}
