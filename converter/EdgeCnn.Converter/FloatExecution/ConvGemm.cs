using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using EdgeCnn.Converter.Graph;

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
    /// <summary>K per pass: a row block's A slice is 256 x 6 floats (6 KiB, in L1 while it meets every panel).</summary>
    private const int KBlock = 256;

    /// <summary>Weights up to this size (M x K floats) stay in L1 while the row blocks go round the panels.</summary>
    private const int SmallWeightsBytes = 64 * 1024;

    /// <summary>Panels per column block: the block's outputs (M x 512 floats) stay in L2 across the blocks of K.</summary>
    private const int PanelsInL2 = 16;

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
    /// <remarks>
    /// The loops of a blocked GEMM: output columns in blocks of <see cref="PanelsInL2"/> panels, K in
    /// blocks of <see cref="KBlock"/>; within them each panel's B slice is packed into L1 and meets
    /// every row block's A slice, which stay in L2 across the panels (as do the block's outputs across
    /// the blocks of K). Each output is still bias + the products in the order of K (later K blocks
    /// continue the sums in place), so the blocking changes no result.
    /// </remarks>
    /// <param name="activation">A fused clamp applied to the outputs as the last block of K stores them.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPacked(ReadOnlySpan<float> x, int channels, int h, int w, ReadOnlySpan<float> packedWeights,
        ReadOnlySpan<float> bias, int m, SpatialGeometry g, Span<float> y, FusedActivation activation = default)
    {
        int rows = FloatGemmKernel.Rows, cols = FloatGemmKernel.Columns;
        int k = channels * g.KernelH * g.KernelW, n = g.OutH * g.OutW;
        int panels = (n + cols - 1) / cols, rowBlocks = (m + rows - 1) / rows;
        if (packedWeights.Length < rowBlocks * k * rows) throw new ArgumentException("packed weights too short for the group");
        if (y.Length < m * n) throw new ArgumentException("output too short for the group");
        // A 1x1 convolution with stride 1 and no padding is a GEMM on its input as it lies: whole panels
        // read B in place, K rows n floats apart.
        bool inPlace = g.KernelH == 1 && g.KernelW == 1 && g.StrideH == 1 && g.StrideW == 1
            && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;
        int panelsPerBlock = Math.Min(panels, PanelsInL2);
        int kBlock = Math.Min(KBlock, k);
        // Whole tiles go straight into the output. Partial ones (the last row block when M is not a
        // multiple of Rows, the last panel when N is not one of Columns) keep their sums in small edge
        // buffers, whose valid part is copied out at the end.
        var edges = new TileEdges(m, n, rows, cols);
        // Small weights (A in L1) meet the panels row block by row block, so each block's outputs are
        // written as a few sequential streams; larger ones meet each panel's B slice in L1 in turn.
        bool rowBlocksOuter = (long)m * k * sizeof(float) <= SmallWeightsBytes;
        float[] b = ArrayPool<float>.Shared.Rent((rowBlocksOuter ? panelsPerBlock : 1) * kBlock * cols);
        Span<float> paddedBias = rowBlocks * rows <= 1024 ? stackalloc float[rowBlocks * rows] : new float[rowBlocks * rows];
        paddedBias.Clear();
        bias.CopyTo(paddedBias);
        Span<int> segments = stackalloc int[3 * cols];
        try
        {
            for (int firstPanel = 0; firstPanel < panels; firstPanel += panelsPerBlock)
            {
                int count = Math.Min(panelsPerBlock, panels - firstPanel);
                for (int k0 = 0; k0 < k; k0 += kBlock)
                {
                    int kc = Math.Min(kBlock, k - k0);
                    var clamp = k0 + kc == k ? activation : FusedActivation.None;
                    if (rowBlocksOuter)
                    {
                        for (int q = 0; q < count; q++)
                        {
                            int j0 = (firstPanel + q) * cols, width = Math.Min(cols, n - j0);
                            if (!inPlace || width < cols)
                                PackPanel(x, channels, h, w, g, j0, width, k0, kc, b.AsSpan(q * kBlock * cols, kc * cols), cols, segments);
                        }
                        for (int block = 0; block < rowBlocks; block++)
                        for (int q = 0; q < count; q++)
                        {
                            int j0 = (firstPanel + q) * cols;
                            bool direct = inPlace && j0 + cols <= n;
                            var c = edges.Tile(y, block, firstPanel + q, out int ldc);
                            FloatGemmKernel.Compute(kc, packedWeights.Slice(block * k * rows + k0 * rows, kc * rows),
                                direct ? x.Slice(k0 * n + j0) : b.AsSpan(q * kBlock * cols, kc * cols), direct ? n : cols,
                                paddedBias.Slice(block * rows, rows), c, ldc, k0 > 0, clamp);
                        }
                        continue;
                    }
                    for (int q = 0; q < count; q++)
                    {
                        int j0 = (firstPanel + q) * cols, width = Math.Min(cols, n - j0);
                        bool direct = inPlace && width == cols;
                        if (!direct) PackPanel(x, channels, h, w, g, j0, width, k0, kc, b, cols, segments);
                        var bSlice = direct ? x.Slice(k0 * n + j0) : b.AsSpan(0, kc * cols);
                        int ldb = direct ? n : cols;
                        for (int block = 0; block < rowBlocks; block++)
                        {
                            var c = edges.Tile(y, block, firstPanel + q, out int ldc);
                            FloatGemmKernel.Compute(kc, packedWeights.Slice(block * k * rows + k0 * rows, kc * rows), bSlice, ldb,
                                paddedBias.Slice(block * rows, rows), c, ldc, k0 > 0, clamp);
                        }
                    }
                }
            }
            edges.CopyOut(y);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(b);
            edges.Return();
        }
    }

    /// <summary>
    /// im2col of rows k0 .. k0 + kc of one panel: panel[(p - k0) * cols + j] = the input under tap p for
    /// output pixel j0 + j, 0 outside the input and for j at or past <paramref name="width"/>.
    /// </summary>
    /// <param name="segments">Scratch of 3 * cols ints: the panel's pieces of output rows.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackPanel(ReadOnlySpan<float> x, int channels, int h, int w, SpatialGeometry g, int j0, int width,
        int k0, int kc, Span<float> panel, int cols, Span<int> segments)
    {
        panel[..(kc * cols)].Clear();
        int ow = g.OutW;
        // The panel's pixels as runs within output rows: (first column j, output row, first output column).
        int count = 0;
        for (int j = 0, oy = j0 / ow, ox = j0 - oy * ow; j < width; oy++, ox = 0)
        {
            segments[3 * count] = j;
            segments[3 * count + 1] = oy;
            segments[3 * count + 2] = ox;
            count++;
            j += ow - ox;
        }
        int taps = g.KernelH * g.KernelW;
        for (int p = k0; p < k0 + kc; p++)
        {
            int c = p / taps, tap = p - c * taps, ky = tap / g.KernelW, kx = tap - ky * g.KernelW;
            var dst = panel.Slice((p - k0) * cols, cols);
            int shift = kx * g.DilationW - g.PadLeft;
            // Output columns whose input column ox*stride + shift lies inside the row.
            int oxFirst = shift >= 0 ? 0 : (-shift + g.StrideW - 1) / g.StrideW;
            int oxEnd = w - 1 - shift < 0 ? 0 : Math.Min(ow, (w - 1 - shift) / g.StrideW + 1);
            for (int sgm = 0; sgm < count; sgm++)
            {
                int j = segments[3 * sgm], oy = segments[3 * sgm + 1], ox = segments[3 * sgm + 2];
                int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH;
                if ((uint)iy >= (uint)h) continue;
                int runEnd = Math.Min(ow, ox + width - j);
                int from = Math.Max(ox, oxFirst), to = Math.Min(runEnd, oxEnd);
                if (from >= to) continue;
                var row = x.Slice((c * h + iy) * w, w);
                var target = dst.Slice(j + from - ox, to - from);
                if (g.StrideW == 1) row.Slice(from + shift, to - from).CopyTo(target);
                else
                {
                    // Strided: unchecked, as oxFirst and oxEnd keep (from .. to - 1) * stride + shift inside the row.
                    ref float src = ref Unsafe.Add(ref MemoryMarshal.GetReference(row), from * g.StrideW + shift);
                    ref float dstRef = ref MemoryMarshal.GetReference(target);
                    for (int t = 0; t < target.Length; t++) Unsafe.Add(ref dstRef, t) = Unsafe.Add(ref src, t * g.StrideW);
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
