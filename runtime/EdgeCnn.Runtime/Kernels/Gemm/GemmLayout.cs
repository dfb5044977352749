namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// How a GEMM microkernel wants its operands. The kernel computes an MR x NR output tile; the reduction
/// dimension K is consumed in groups of <see cref="KGroup"/> values (4 for dot-product instructions, 2 for
/// vpmaddwd, 1 for multiply-by-element). Both packed operands hold <see cref="ElementBytes"/>-byte
/// integers: int8, or int16 widened at pack time.
/// <list type="bullet">
/// <item>A panel (activations, packed per tile): [K/KGroup][MR][KGroup].</item>
/// <item>B (weights, packed once per model): [N/NR][K/KGroup][NR][KGroup], zero beyond N and K.</item>
/// </list>
/// <see cref="FlipActivations"/>: int8 activations are stored as x ^ 0x80 (uint8 x + 128) for instructions
/// that multiply unsigned by signed bytes (vpdpbusd); the packed bias absorbs the 128 * sum(w).
/// <see cref="SwapMiddleQuads"/>: within each column tile of 16, channels 4-7 and 8-11 trade places in B,
/// the bias and the multipliers, so that an AVX2 kernel's two 8-lane accumulators hold channels
/// [0-3 | 8-11] and [4-7 | 12-15] and its per-128-bit-lane packs come out in channel order
/// (<see cref="Epilogue256.StorePair"/>). Outputs are always in channel order.
/// </summary>
internal readonly record struct GemmLayout(int MR, int NR, int KGroup, int ElementBytes, bool FlipActivations, bool SwapMiddleQuads = false)
{
    /// <summary>Where channel j of a column tile sits in the packed operands (an involution).</summary>
    public int PackedChannel(int j) => SwapMiddleQuads && (j & 15) is >= 4 and < 12 ? j ^ 12 : j;

    public int KGroups(int k) => (k + KGroup - 1) / KGroup;
    public int NTiles(int n) => (n + NR - 1) / NR;
    /// <summary>Bytes of one packed A panel for reduction length k.</summary>
    public int PanelBytes(int k) => KGroups(k) * MR * KGroup * ElementBytes;
    /// <summary>Bytes of one packed B column tile (NR output channels) for reduction length k.</summary>
    public int TileBytes(int k) => KGroups(k) * NR * KGroup * ElementBytes;
}
