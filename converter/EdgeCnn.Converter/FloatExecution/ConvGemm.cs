using System.Buffers;
using System.Runtime.CompilerServices;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// One group of a float convolution as a GEMM: Y[M, N] = bias + W[M, K] * X[K, N] with K = input
/// channels x kernel taps and N = output pixels (NCHW output rows are the GEMM rows). The input is
/// gathered (im2col) straight into the microkernel's packed B panels and the weights into its A
/// panels, so the tile loop only reads contiguous memory. Within one output the products are summed
/// in the order of K, whatever the vector width.
/// </summary>
internal static class ConvGemm
{
    /// <summary>K per pass over the row blocks: 256 x 32 floats of B panel = 32 KiB (16 KiB with Vector256).</summary>
    private const int KBlock = 256;

    /// <param name="x">The input image's channels of this group, [cPerGroup, h, w].</param>
    /// <param name="weights">This group's weights, [m, cPerGroup, kh, kw].</param>
    /// <param name="bias">m values or empty.</param>
    /// <param name="y">This group's output planes, [m, outH, outW].</param>
    public static void Run(ReadOnlySpan<float> x, int channels, int h, int w, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, int m, SpatialGeometry g, Span<float> y)
    {
        int k = channels * g.KernelH * g.KernelW;
        var packed = new float[PackedLength(m, k)];
        PackWeights(weights, m, k, packed, FloatGemmKernel.Rows);
        RunPacked(x, channels, h, w, packed, bias, m, g, y);
    }

    /// <summary>Floats of one group's packed weights: whole row blocks of K x <see cref="FloatGemmKernel.Rows"/>.</summary>
    public static int PackedLength(int m, int k) => (m + FloatGemmKernel.Rows - 1) / FloatGemmKernel.Rows * k * FloatGemmKernel.Rows;

    /// <summary>Every group of [group * m, k] weights packed, group after group (<see cref="PackedLength"/> floats each).</summary>
    public static float[] PackAllGroups(float[] weights, int group, int m, int k)
    {
        int length = PackedLength(m, k);
        var packed = new float[group * length];
        for (int grp = 0; grp < group; grp++)
            PackWeights(weights.AsSpan(grp * m * k, m * k), m, k, packed.AsSpan(grp * length, length), FloatGemmKernel.Rows);
        return packed;
    }

    /// <summary><see cref="Run"/> with the weights already packed by <see cref="PackWeights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPacked(ReadOnlySpan<float> x, int channels, int h, int w, ReadOnlySpan<float> packedWeights,
        ReadOnlySpan<float> bias, int m, SpatialGeometry g, Span<float> y)
    {
        int rows = FloatGemmKernel.Rows, cols = FloatGemmKernel.Columns;
        int k = channels * g.KernelH * g.KernelW, n = g.OutH * g.OutW;
        int panels = (n + cols - 1) / cols, rowBlocks = (m + rows - 1) / rows;
        if (packedWeights.Length < rowBlocks * k * rows) throw new ArgumentException("packed weights too short for the group");
        float[] b = ArrayPool<float>.Shared.Rent(panels * k * cols);
        var a = packedWeights;
        Span<float> paddedBias = rowBlocks * rows <= 1024 ? stackalloc float[rowBlocks * rows] : new float[rowBlocks * rows];
        paddedBias.Clear();
        bias.CopyTo(paddedBias);
        Span<float> tile = stackalloc float[rows * cols];
        try
        {
            PackInput(x, channels, h, w, g, b.AsSpan(0, panels * k * cols), k, cols);
            int fullBlocks = m / rows;
            for (int panel = 0; panel < panels; panel++)
            {
                int j0 = panel * cols, width = Math.Min(cols, n - j0);
                var bPanel = b.AsSpan(panel * k * cols, k * cols);
                int firstEdgeBlock = 0;
                if (width == cols)
                {
                    // Whole tiles straight into the output, K in blocks whose slice of the B panel stays in
                    // L1 while every row block uses it; later blocks continue the sums in place.
                    for (int k0 = 0; k0 < k; k0 += KBlock)
                    {
                        int kc = Math.Min(KBlock, k - k0);
                        var bSlice = bPanel.Slice(k0 * cols, kc * cols);
                        for (int block = 0; block < fullBlocks; block++)
                            FloatGemmKernel.Compute(kc, a.Slice(block * k * rows + k0 * rows, kc * rows), bSlice,
                                paddedBias.Slice(block * rows, rows), y.Slice(block * rows * n + j0), n, accumulate: k0 > 0);
                    }
                    firstEdgeBlock = fullBlocks;
                }
                // Partial tiles (the last columns or rows) go through a whole-tile buffer; only their
                // valid part is copied out.
                for (int block = firstEdgeBlock; block < rowBlocks; block++)
                {
                    int r0 = block * rows, height = Math.Min(rows, m - r0);
                    FloatGemmKernel.Compute(k, a.Slice(block * k * rows, k * rows), bPanel, paddedBias.Slice(r0, rows), tile, cols);
                    for (int r = 0; r < height; r++)
                        tile.Slice(r * cols, width).CopyTo(y.Slice((r0 + r) * n + j0, width));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(b);
        }
    }

    /// <summary>im2col into panels: packed[panel][p][j] = the input under tap p for output pixel panel*cols + j (0 outside).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackInput(ReadOnlySpan<float> x, int channels, int h, int w, SpatialGeometry g, Span<float> packed, int k, int cols)
    {
        packed.Clear();
        int oh = g.OutH, ow = g.OutW, panelSize = k * cols;
        for (int c = 0; c < channels; c++)
        for (int ky = 0; ky < g.KernelH; ky++)
        for (int kx = 0; kx < g.KernelW; kx++)
        {
            int p = (c * g.KernelH + ky) * g.KernelW + kx;
            int shift = kx * g.DilationW - g.PadLeft;
            // Output columns whose input column ox*stride + shift lies inside the row.
            int oxFirst = shift >= 0 ? 0 : (-shift + g.StrideW - 1) / g.StrideW;
            int oxEnd = w - 1 - shift < 0 ? 0 : Math.Min(ow, (w - 1 - shift) / g.StrideW + 1);
            if (oxFirst >= oxEnd) continue;
            for (int oy = 0; oy < oh; oy++)
            {
                int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH;
                if ((uint)iy >= (uint)h) continue;
                var row = x.Slice((c * h + iy) * w, w);
                int j = oy * ow + oxFirst, panel = j / cols, col = j - panel * cols;
                int at = panel * panelSize + p * cols + col;
                if (g.StrideW == 1)
                {
                    // Contiguous input: copy runs up to each panel's edge.
                    for (int src = oxFirst + shift, left = oxEnd - oxFirst; left > 0;)
                    {
                        int run = Math.Min(left, cols - col);
                        row.Slice(src, run).CopyTo(packed.Slice(at, run));
                        src += run;
                        left -= run;
                        col += run;
                        at += run;
                        if (col == cols) { col = 0; at += panelSize - cols; }
                    }
                    continue;
                }
                for (int ox = oxFirst; ox < oxEnd; ox++)
                {
                    packed[at] = row[ox * g.StrideW + shift];
                    if (++col == cols) { col = 0; at += panelSize - cols + 1; }
                    else at++;
                }
            }
        }
    }

    /// <summary>Weights [m, k] into row blocks: packed[block][p][r] = w[block*rows + r, p] (0 past m).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackWeights(ReadOnlySpan<float> weights, int m, int k, Span<float> packed, int rows)
    {
        packed.Clear();
        for (int o = 0; o < m; o++)
        {
            int block = o / rows, r = o - block * rows;
            var src = weights.Slice(o * k, k);
            var dst = packed.Slice(block * k * rows);
            for (int p = 0; p < k; p++) dst[p * rows + r] = src[p];
        }
    }
}
