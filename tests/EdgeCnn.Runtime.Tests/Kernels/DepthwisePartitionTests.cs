using EdgeCnn.Execution.Steps;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>The depthwise task cut covers every (row, channel block) exactly once and prefers channel blocks.</summary>
public class DepthwisePartitionTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(112, 1, 2)]
    [InlineData(56, 5, 2)]
    [InlineData(7, 30, 2)]
    [InlineData(14, 18, 4)]
    [InlineData(3, 2, 8)]
    public void TasksCoverEveryRowAndBlockOnce(int rows, int blocks, int threads)
    {
        var p = DepthwisePartition.For(rows, blocks, threads);
        var seen = new int[rows, blocks];
        for (int t = 0; t < p.Tasks; t++)
        {
            var (r0, r1, b0, b1) = p.Task(t);
            Assert.True(r0 < r1 && b0 < b1, $"task {t} is empty: rows [{r0}, {r1}), blocks [{b0}, {b1})");
            for (int r = r0; r < r1; r++)
                for (int b = b0; b < b1; b++)
                    seen[r, b]++;
        }
        foreach (int count in seen) Assert.Equal(1, count);
        if (threads == 1) Assert.Equal(1, p.Tasks);
    }

    [Fact]
    public void SmallMapsSplitByChannelBlocksNotRows()
    {
        var p = DepthwisePartition.For(7, 30, 2); // 7x7x960 on 2 threads
        Assert.Equal(1, p.RowTasks);
        Assert.Equal(8, p.BlockTasks);
        var one = DepthwisePartition.For(112, 1, 2); // 112x112x32: one block, rows only
        Assert.Equal(8, one.RowTasks);
    }
}
