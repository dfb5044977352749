using EdgeCnn.Execution.Steps;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The depthwise task cut covers every (row, channel block) exactly once, cuts rows where there are
/// enough, and cuts channels only at 64-channel boundaries of layers whose pixels are whole cache lines.
/// </summary>
public class DepthwisePartitionTests
{
    [Theory]
    [InlineData(1, 1, 32, 1)]
    [InlineData(112, 1, 32, 2)]
    [InlineData(56, 5, 144, 2)]
    [InlineData(7, 30, 960, 2)]
    [InlineData(14, 18, 576, 4)]
    [InlineData(3, 2, 64, 8)]
    [InlineData(28, 6, 192, 3)]
    public void TasksCoverEveryRowAndBlockOnce(int rows, int blocks, int channels, int threads)
    {
        var p = DepthwisePartition.For(rows, blocks, channels, threads);
        var seen = new int[rows, blocks];
        for (int t = 0; t < p.Tasks; t++)
        {
            var (r0, r1, b0, b1) = p.Task(t);
            Assert.True(r0 < r1 && b0 < b1, $"task {t} is empty: rows [{r0}, {r1}), blocks [{b0}, {b1})");
            Assert.True(b0 * 32 % 64 == 0 || b0 == 0, $"task {t} starts at block {b0}, inside a 64-byte line");
            for (int r = r0; r < r1; r++)
                for (int b = b0; b < b1; b++)
                    seen[r, b]++;
        }
        foreach (int count in seen) Assert.Equal(1, count);
        if (threads == 1) Assert.Equal(1, p.Tasks);
    }

    [Fact]
    public void LargeMapsSplitByRowsSmallOnesByChannelRangesOfWholeCacheLines()
    {
        // 28x28x192: one band of rows per worker, for locality with the GEMMs around it.
        var rows = DepthwisePartition.For(28, 6, 192, 2);
        Assert.Equal(1, rows.BlockTasks);
        Assert.Equal(2, rows.RowTasks);
        Assert.Equal((0, 14, 0, 6), rows.Task(0));
        // 7x7x960 on 2 threads: 15 ranges of 64 channels, 8 | 7.
        var p = DepthwisePartition.For(7, 30, 960, 2);
        Assert.Equal(1, p.RowTasks);
        Assert.Equal(2, p.BlockTasks);
        Assert.Equal((0, 7, 0, 14), p.Task(0));
        var one = DepthwisePartition.For(112, 1, 32, 2); // 112x112x32: one block, rows only
        Assert.Equal(2, one.RowTasks);
        // 144 channels: a pixel is not a whole number of lines, so any channel cut shares a line per pixel.
        var odd = DepthwisePartition.For(56, 5, 144, 3);
        Assert.Equal(1, odd.BlockTasks);
        Assert.Equal(3, odd.RowTasks);
    }
}
