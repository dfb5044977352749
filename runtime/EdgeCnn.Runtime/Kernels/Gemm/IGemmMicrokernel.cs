namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// A GEMM microkernel: one full MR x NR tile from a packed A panel and a packed B tile, then the
/// requantization of every output. Implementations are structs so that the driver, generic over them,
/// is specialized by the JIT and the inner loop stays a leaf.
/// </summary>
internal unsafe interface IGemmMicrokernel
{
    static abstract GemmLayout Layout { get; }

    /// <summary>
    /// c[r * cStride + j] = requantize(bias[j] + sum_k a[r, k] * b[k, j], multipliers[j]) for r &lt; MR,
    /// j &lt; NR. <paramref name="a"/> and <paramref name="b"/> are packed as <see cref="Layout"/> says.
    /// </summary>
    static abstract void Run(int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride);

    /// <summary>
    /// The first <paramref name="rows"/> (&lt; MR) rows of a tile, from the same full packed panel, when the
    /// kernel has a cheaper tile for them (a small-M layer's last row tile, e.g. M = 49 or 196); returns
    /// false when it has none and the caller runs the full tile.
    /// </summary>
    static virtual bool TryRunRows(int rows, int kGroups, byte* a, byte* b, int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride) => false;
}
