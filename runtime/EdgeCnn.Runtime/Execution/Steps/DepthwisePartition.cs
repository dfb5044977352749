namespace EdgeCnn.Execution.Steps;

/// <summary>
/// How a depthwise layer is cut into tasks: one per worker, since every task repeats work.
/// <para>
/// Rows, when there are at least 4 per thread: the pool gives each worker a contiguous part of the tasks
/// first, so a row cut keeps each worker on the pixels it wrote in the operator before (the GEMMs around
/// it cut rows too); a channel cut makes every worker read half its input from the other core's cache
/// (measured on 2 threads: 28x28x192 1.16x by channels, 1.58x by rows). A row task reads, and in the 3x3
/// row kernels prepares, the input rows above and below its range again, so one band per worker: four
/// 3.5-row tasks per worker at 28x28 prepare 5.5 input rows each, half as many again as they compute
/// (MobileNetV2 on 2 threads, in whole runs: 56x56x144 69.9 -> 66.4 us, 28x28x192 23.5 -> 21.9 us).
/// </para>
/// <para>
/// Smaller maps (7x7) are cut by channel blocks, only where two tasks never write the same 64-byte cache
/// line: at multiples of 64 channels of a layer whose pixels are whole lines (C a multiple of 64, every
/// block 32 channels; otherwise every output pixel would hold a line both threads write: 14x14x384 ran
/// 0.9x). One thread: a single task.
/// </para>
/// </summary>
internal readonly record struct DepthwisePartition(int Rows, int Blocks, int BlockTasks, int RowTasks, int BlocksPerUnit)
{
    public int Tasks => BlockTasks * RowTasks;

    /// <param name="rows">Output rows (N * OutH).</param>
    /// <param name="blocks">Channel blocks the kernel can run separately (1: rows only).</param>
    /// <param name="channels">Channels C of the layer (the output pixel is C bytes).</param>
    /// <param name="threads">Workers.</param>
    public static DepthwisePartition For(int rows, int blocks, int channels, int threads)
    {
        if (rows < 1 || blocks < 1) throw new ArgumentOutOfRangeException(nameof(rows), $"a depthwise layer needs rows and channel blocks, got {rows} rows, {blocks} blocks");
        if (threads <= 1) return new(rows, blocks, 1, 1, blocks);
        // Units of 64 channels when pixels are whole cache lines and blocks are 32 channels; else one unit.
        int perUnit = channels % 64 == 0 && blocks * 32 == channels ? 2 : blocks;
        int units = blocks / perUnit;
        if (rows >= 4 * threads || units == 1) return new(rows, blocks, 1, Math.Min(rows, threads), blocks);
        int blockTasks = Math.Min(units, threads);
        int rowTasks = Math.Min(rows, (threads + blockTasks - 1) / blockTasks);
        return new(rows, blocks, blockTasks, rowTasks, perUnit);
    }

    /// <summary>Task t: a row range (inner index) of a channel-block range (outer index), both split evenly.</summary>
    public (int RowBegin, int RowEnd, int BlockBegin, int BlockEnd) Task(int t)
    {
        int bt = t / RowTasks, rt = t - bt * RowTasks, units = Blocks / BlocksPerUnit;
        return ((int)((long)rt * Rows / RowTasks), (int)((long)(rt + 1) * Rows / RowTasks),
            (int)((long)bt * units / BlockTasks) * BlocksPerUnit, (int)((long)(bt + 1) * units / BlockTasks) * BlocksPerUnit);
    }
}
