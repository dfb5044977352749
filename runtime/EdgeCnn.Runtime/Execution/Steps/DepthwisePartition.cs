namespace EdgeCnn.Execution.Steps;

/// <summary>
/// How a depthwise layer is cut into tasks: by channel blocks first, then by output rows. A task that
/// takes a row range pays for reading (and, in the 3x3 row kernels, preparing) the two input rows above
/// and below its range again, which on a 7x7 or 14x14 map split into 1-2 row tasks more than doubles the
/// input work; a task that takes channel blocks repeats nothing, as long as two tasks never write the
/// same 64-byte cache line: channel ranges are cut only at multiples of 64 channels, and only when a
/// pixel is a whole number of cache lines (C a multiple of 64, every block 32 channels). Otherwise every
/// output pixel would hold a line both threads write (measured: 14x14x384 ran 0.9x on 2 threads).
/// One thread: a single task. Several: about 4 tasks per thread (on a shared machine one worker is often
/// late, and small tasks let the others cover for it), channel ranges first, rows for the rest.
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
        int wanted = 4 * threads;
        int blockTasks = Math.Min(units, wanted);
        int rowTasks = Math.Min(rows, (wanted + blockTasks - 1) / blockTasks);
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
