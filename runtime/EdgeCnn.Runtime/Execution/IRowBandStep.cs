using EdgeCnn.Reference;

namespace EdgeCnn.Execution;

/// <summary>
/// A step that can compute any band of its output rows by itself (rows of N * H, every column and
/// channel), so a <see cref="RowBandGroup"/> can run it with the steps around it without a barrier.
/// </summary>
internal unsafe interface IRowBandStep
{
    /// <summary>Whether this step's kernel computes bands (the reference operators run whole).</summary>
    bool RunsInBands { get; }

    /// <summary>The output shape: its N, H and W are the grid whose rows the bands cut.</summary>
    Shape4 OutputShape { get; }

    /// <summary>
    /// Whether this step reads tensor <paramref name="tensor"/> only at the pixels it writes (same grid), so
    /// a band of it needs only the same band of that tensor.
    /// </summary>
    bool ReadsPointwise(int tensor);

    /// <summary>Computes output rows [<paramref name="rowBegin"/>, <paramref name="rowEnd"/>) of N * H; <paramref name="scratch"/> is the worker's.</summary>
    void RunBand(byte* arena, int rowBegin, int rowEnd, byte* scratch);
}
