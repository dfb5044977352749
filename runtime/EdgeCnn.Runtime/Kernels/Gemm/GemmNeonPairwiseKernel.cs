using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// The table row of <see cref="GemmNeonPairwise4x4{TSimd, TPairs}"/>: packs the weights once, notes whether
/// they contain a channel with -128 at reduction positions i and 8 + i of one 16-value group (where two
/// (-128) * (-128) products overflow their shared int16 lane), and runs such layers with separate products.
/// Real models never take the slower path: symmetric weight quantization stops at -127.
/// <para>
/// Its tile loop is the one of <see cref="GemmKernel{TKernel}"/> (a chunk of A panels packed once, then
/// every B tile over the whole chunk) except that one microkernel call covers all full 4-row tiles of the
/// chunk: with 4 x 4 tiles the per-call work (driver, register saves, pointers) cost as much as a quarter
/// of the multiply-accumulate loop of MobileNetV2's small-K layers.
/// </para>
/// </summary>
internal sealed unsafe class GemmNeonPairwiseKernel<TSimd> : GemmKernel where TSimd : struct, IArmSimd
{
    public GemmNeonPairwiseKernel(KernelInfo info) : base(info)
    {
        var layout = Layout;
        if (info.TileRows != layout.MR || info.TileChannels != layout.NR || info.KGroup != layout.KGroup)
            throw new ArgumentException($"kernel table row {info} does not match its microkernel layout {layout}");
    }

    public override GemmLayout Layout => GemmNeonPairwise4x4<TSimd, PairedProducts>.Layout;

    public override PackedGemmWeights Pack(ReadOnlySpan<sbyte> weights, int n, int k, ReadOnlySpan<int> bias,
        ReadOnlySpan<float> multipliers, int inZp, int outZp, int qmin, int qmax) =>
        new(Layout, weights, n, k, bias, multipliers, inZp, outZp, qmin, qmax) { NeedsExactFallback = HasMinPair(weights, n, k) };

    public override void Run(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch)
    {
        if (w.Layout != Layout) throw new ArgumentException($"weights packed for {w.Layout}, kernel {Info.Name} needs {Layout}");
        if (w.NeedsExactFallback)
            Run<SeparateProducts>(rows, m, w, mTileBegin, mTileEnd, nTileBegin, nTileEnd, output, outputStride, scratch);
        else
            Run<PairedProducts>(rows, m, w, mTileBegin, mTileEnd, nTileBegin, nTileEnd, output, outputStride, scratch);
    }

    private void Run<TPairs>(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch) where TPairs : struct, IProductPairing
    {
        var layout = Layout;
        int mr = layout.MR, nr = layout.NR, n = w.N, k = w.K;
        int panelBytes = layout.PanelBytes(k);
        int chunkTiles = ChunkScratch(k, mTileBegin, mTileEnd, scratch, out byte* panels, out sbyte* im2col);
        sbyte** rowPointers = stackalloc sbyte*[mr];
        sbyte* partial = stackalloc sbyte[mr * nr];
        var q = w.Requantization;
        int tileBytes = w.TileBytes;

        for (int chunk = mTileBegin; chunk < mTileEnd; chunk += chunkTiles)
        {
            int chunkEnd = Math.Min(mTileEnd, chunk + chunkTiles);
            PackChunk(rows, m, k, chunk, chunkEnd, rowPointers, im2col, panels);
            // Row tiles of the chunk with all 4 rows inside m (only the last tile of the product can be short).
            int fullTiles = Math.Min(chunkEnd, m / mr) - chunk;

            for (int t = nTileBegin; t < nTileEnd; t++)
            {
                int n0 = t * nr, cols = Math.Min(nr, n - n0);
                byte* b = w.B + (nint)t * tileBytes;
                int* bias = w.Bias + n0;
                float* multipliers = w.Multipliers + n0;
                int first = chunk;
                if (cols == nr && fullTiles > 0)
                {
                    GemmNeonPairwise4x4<TSimd, TPairs>.RunPanels(w.KGroups, panels, fullTiles, panelBytes, b, bias, multipliers, q,
                        output + (nint)chunk * mr * outputStride + n0, outputStride);
                    first += fullTiles;
                }
                for (int mt = first; mt < chunkEnd; mt++)
                {
                    int m0 = mt * mr, valid = Math.Min(mr, m - m0);
                    GemmNeonPairwise4x4<TSimd, TPairs>.Run(w.KGroups, panels + (nint)(mt - chunk) * panelBytes, b, bias, multipliers, q, partial, nr);
                    for (int r = 0; r < valid; r++)
                        Buffer.MemoryCopy(partial + r * nr, output + (nint)(m0 + r) * outputStride + n0, cols, cols);
                }
            }
        }
    }

    /// <summary>Whether some channel has w[16g + i] = w[16g + 8 + i] = -128 (i &lt; 8, within K).</summary>
    internal static bool HasMinPair(ReadOnlySpan<sbyte> weights, int n, int k)
    {
        for (int j = 0; j < n; j++)
        {
            var row = weights.Slice(j * k, k);
            for (int i = 0; i + 8 < k; i++)
                if ((i & 8) == 0 && row[i] == sbyte.MinValue && row[i + 8] == sbyte.MinValue) return true;
        }
        return false;
    }
}
