namespace EdgeCnn.Execution.Steps;

/// <summary>
/// How a depthwise layer is cut into tasks: by channel blocks first, then by output rows. A task that
/// takes a row range pays for reading (and, in the 3x3 row kernels, widening) the two input rows above
/// and below its range again, which on a 7x7 or 14x14 map split into 1-2 row tasks more than doubles the
/// input work; a task that takes channel blocks repeats nothing. One thread: a single task. Several:
/// about 4 tasks per thread (on a shared machine one worker is often late, and small tasks let the others
/// cover for it), as many channel blocks apart as the kernel has, rows for the rest.
/// </summary>
internal readonly record struct DepthwisePartition(int Rows, int Blocks, int BlockTasks, int RowTasks)
{
    public int Tasks => BlockTasks * RowTasks;

    public static DepthwisePartition For(int rows, int blocks, int threads)
    {
        if (rows < 1 || blocks < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"a depthwise layer needs rows and channel blocks, got {rows} rows, {blocks} blocks");
        if (threads <= 1) return new(rows, blocks, 1, 1);
        int wanted = 4 * threads;
        int blockTasks = Math.Min(blocks, wanted);
        int rowTasks = Math.Min(rows, (wanted + blockTasks - 1) / blockTasks);
        return new(rows, blocks, blockTasks, rowTasks);
    }

    /// <summary>Task t: a row range (inner index) of a channel-block range (outer index), both split evenly.</summary>
    public (int RowBegin, int RowEnd, int BlockBegin, int BlockEnd) Task(int t)
    {
        int bt = t / RowTasks, rt = t - bt * RowTasks;
        return ((int)((long)rt * Rows / RowTasks), (int)((long)(rt + 1) * Rows / RowTasks),
            (int)((long)bt * Blocks / BlockTasks), (int)((long)(bt + 1) * Blocks / BlockTasks));
    }
}
