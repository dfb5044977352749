namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// A GEMM kernel of the table: packs weights for its microkernel and runs any rectangle of tiles.
/// C[m, n] = requantize(bias[n] + sum_k (A[m, k] - zp) * W[n, k]) with A given by <see cref="GemmRows"/>
/// and C rows N bytes apart (NHWC output of a convolution, or [batch, out] of a fully connected layer).
/// </summary>
internal abstract unsafe class GemmKernel
{
    /// <summary>
    /// Bytes of packed A panels one worker keeps at a time. A chunk of row tiles is gathered (im2col) and
    /// packed once, then every column tile of B runs over the whole chunk, so each B tile is read once per
    /// chunk instead of once per row tile, and no row is ever packed twice. 256 KiB of panels plus one B
    /// tile stay in a 512 KiB or larger L2 (Cortex-A76 per core; 1 MiB on the development machine).
    /// </summary>
    public const int PanelChunkBytes = 256 * 1024;

    protected GemmKernel(KernelInfo info) => Info = info;

    public KernelInfo Info { get; }
    public abstract GemmLayout Layout { get; }

    public virtual PackedGemmWeights Pack(ReadOnlySpan<sbyte> weights, int n, int k, ReadOnlySpan<int> bias,
        ReadOnlySpan<float> multipliers, int inZp, int outZp, int qmin, int qmax) =>
        new(Layout, weights, n, k, bias, multipliers, inZp, outZp, qmin, qmax);

    /// <summary>Row tiles packed together for reduction length k (at least one).</summary>
    public int TilesPerChunk(int k) => Math.Max(1, PanelChunkBytes / Layout.PanelBytes(k));

    /// <summary>
    /// Scratch bytes one worker needs for an m-row product with reduction length k: one chunk of A panels
    /// and MR im2col rows, plus alignment slack.
    /// </summary>
    public int ScratchBytes(int k, int m) =>
        checked(Math.Min(TilesPerChunk(k), MTiles(m)) * Layout.PanelBytes(k) + Layout.MR * k + 128);

    public int MTiles(int m) => (m + Layout.MR - 1) / Layout.MR;

    /// <summary>
    /// Computes row tiles [mTileBegin, mTileEnd) x column tiles [nTileBegin, nTileEnd) of the m x N output,
    /// whose rows start <paramref name="outputStride"/> bytes apart (N, or a convolution's OutC when this
    /// GEMM is one group of it). <paramref name="scratch"/> holds <see cref="ScratchBytes"/> bytes private
    /// to the caller.
    /// </summary>
    public abstract void Run(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch);

    /// <summary>
    /// Lays out a driver's scratch as <see cref="ScratchBytes"/> counts it: one chunk of A panels (64-byte
    /// aligned), then the MR im2col rows. Returns the row tiles per chunk for row tiles [mTileBegin, mTileEnd).
    /// </summary>
    protected int ChunkScratch(int k, int mTileBegin, int mTileEnd, byte* scratch, out byte* panels, out sbyte* im2col)
    {
        int chunkTiles = Math.Min(TilesPerChunk(k), Math.Max(1, mTileEnd - mTileBegin));
        panels = (byte*)(((nint)scratch + 63) & ~(nint)63);
        im2col = (sbyte*)(panels + (nint)chunkTiles * Layout.PanelBytes(k));
        return chunkTiles;
    }

    /// <summary>
    /// Gathers the rows of row tiles [chunk, chunkEnd) (a short last tile repeats its last row) and packs
    /// each tile's panel into <paramref name="panels"/>, one after another: every driver packs a chunk once
    /// and then runs all its column tiles over it.
    /// </summary>
    protected void PackChunk(in GemmRows rows, int m, int k, int chunk, int chunkEnd,
        sbyte** rowPointers, sbyte* im2col, byte* panels)
    {
        var layout = Layout;
        int mr = layout.MR, panelBytes = layout.PanelBytes(k);
        // Window rows read in place where the layout packs them whole (rows whose window is inside the input).
        int windowRows = rows.WindowRows, windowRowBytes = rows.WindowRowBytes;
        bool inPlace = GemmPanel.PacksWindowRows(layout, windowRowBytes) && windowRows * windowRowBytes == k && windowRows <= 8;
        sbyte** windowRow = stackalloc sbyte*[inPlace ? mr * windowRows : 0];
        for (int mt = chunk; mt < chunkEnd; mt++)
        {
            int m0 = mt * mr, valid = Math.Min(mr, m - m0);
            if (inPlace)
            {
                // Each row's window rows in the input, or in its im2col copy at the borders; a short last
                // tile repeats its last row.
                for (int r = 0; r < mr; r++)
                {
                    sbyte** own = windowRow + r * windowRows;
                    if (r >= valid) CopyPointers(own - windowRows, own, windowRows);
                    else if (!rows.TryWindowRows(m0 + r, own))
                    {
                        sbyte* copy = rows.Row(m0 + r, im2col + (nint)r * k);
                        for (int kh = 0; kh < windowRows; kh++) own[kh] = copy + kh * windowRowBytes;
                    }
                }
                GemmPanel.PackWindowRows(layout, windowRow, windowRows, windowRowBytes, panels + (nint)(mt - chunk) * panelBytes);
                continue;
            }
            for (int r = 0; r < valid; r++) rowPointers[r] = rows.Row(m0 + r, im2col + (nint)r * k);
            for (int r = valid; r < mr; r++) rowPointers[r] = rowPointers[valid - 1];
            GemmPanel.Pack(layout, rowPointers, k, panels + (nint)(mt - chunk) * panelBytes);
        }
    }

    private static void CopyPointers(sbyte** from, sbyte** to, int count)
    {
        for (int i = 0; i < count; i++) to[i] = from[i];
    }

    /// <summary>The whole product on the calling thread, output rows N bytes apart.</summary>
    public void Run(in GemmRows rows, int m, PackedGemmWeights w, sbyte* output, byte* scratch) =>
        Run(rows, m, w, 0, MTiles(m), 0, w.NTiles, output, w.N, scratch);
}

/// <summary>The tile loop around one microkernel; the JIT specializes it per microkernel struct.</summary>
internal sealed unsafe class GemmKernel<TKernel> : GemmKernel where TKernel : struct, IGemmMicrokernel
{
    public GemmKernel(KernelInfo info) : base(info)
    {
        var layout = TKernel.Layout;
        if (info.TileRows != layout.MR || info.TileChannels != layout.NR || info.KGroup != layout.KGroup)
            throw new ArgumentException($"kernel table row {info} does not match its microkernel layout {layout}");
    }

    public override GemmLayout Layout => TKernel.Layout;

    public override void Run(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch)
    {
        var layout = TKernel.Layout;
        if (w.Layout != layout) throw new ArgumentException($"weights packed for {w.Layout}, kernel {Info.Name} needs {layout}");
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

            // Column tile outer: one B tile (NR x K) serves every packed row tile of the chunk in turn.
            for (int t = nTileBegin; t < nTileEnd; t++)
            {
                int n0 = t * nr, cols = Math.Min(nr, n - n0);
                byte* b = w.B + (nint)t * tileBytes;
                int* bias = w.Bias + n0;
                float* multipliers = w.Multipliers + n0;
                for (int mt = chunk; mt < chunkEnd; mt++)
                {
                    int m0 = mt * mr, valid = Math.Min(mr, m - m0);
                    byte* panel = panels + (nint)(mt - chunk) * panelBytes;
                    sbyte* c = output + (nint)m0 * outputStride + n0;
                    if (valid == mr && cols == nr)
                    {
                        TKernel.Run(w.KGroups, panel, b, bias, multipliers, q, c, outputStride);
                    }
                    else
                    {
                        if (!TKernel.TryRunRows(valid, w.KGroups, panel, b, bias, multipliers, q, partial, nr))
                            TKernel.Run(w.KGroups, panel, b, bias, multipliers, q, partial, nr);
                        for (int r = 0; r < valid; r++)
                            Buffer.MemoryCopy(partial + r * nr, c + (nint)r * outputStride, cols, cols);
                    }
                }
            }
        }
    }
}
