using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.FirstLayer;

/// <summary>
/// A convolution with few input channels (a network's first layer, e.g. 3x3 stride 2 on RGB) as a GEMM
/// whose A panels are gathered straight from the NHWC input: no im2col row copy, no separate packing
/// pass. Each output pixel's window row is KernelW * InC contiguous bytes (9 for 3x3 on 3 channels),
/// padded to <see cref="PackedFirstLayerWeights.RowK"/> with zero weights, so every reduction group of
/// the panel is a run of input bytes.
/// </summary>
internal abstract unsafe class FirstLayerKernel
{
    protected FirstLayerKernel(KernelInfo info) => Info = info;

    public KernelInfo Info { get; }

    /// <summary>Ungrouped, undilated convolutions with at most 4 input channels whose window row (KernelW * InC bytes) fits 16 bytes.</summary>
    public static bool Applies(in ConvGeometry g) =>
        g.Groups == 1 && g.DilationH == 1 && g.DilationW == 1 && g.InC <= 4 && g.KernelW * g.InC <= 16;

    public abstract PackedFirstLayerWeights Pack(ReadOnlySpan<sbyte> ohwi, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q);

    /// <summary>Output pixels per tile: the tasks split [0, Tiles) between threads.</summary>
    public abstract int TileRows { get; }

    public int Tiles(PackedFirstLayerWeights w) => (w.Rows + TileRows - 1) / TileRows;

    /// <summary>Computes row tiles [tileBegin, tileEnd) of the output; <paramref name="input"/> holds the whole NHWC input.</summary>
    public abstract void Run(sbyte* input, sbyte* output, PackedFirstLayerWeights w, int tileBegin, int tileEnd);

    public void Run(sbyte* input, sbyte* output, PackedFirstLayerWeights w) => Run(input, output, w, 0, Tiles(w));
}

/// <summary>
/// The gather around one GEMM microkernel. Any layout takes the general gather (per pixel, per window
/// row, zero point for padding). The SDOT layout (8 rows, groups of 4 bytes) has a fast path for 8
/// pixels of one output row whose windows lie inside the input: per window row, two 32-byte loads and
/// one TBL per 4 pixels and group give the panel directly (pixel r's group g is input bytes
/// r * StrideW * InC + 4g .. + 3).
/// </summary>
internal sealed unsafe class FirstLayerKernel<TKernel, TSimd> : FirstLayerKernel
    where TKernel : struct, IGemmMicrokernel where TSimd : struct, IArmSimd
{
    public FirstLayerKernel(KernelInfo info) : base(info)
    {
        var layout = TKernel.Layout;
        if (info.TileRows != layout.MR || info.TileChannels != layout.NR || info.KGroup != layout.KGroup)
            throw new ArgumentException($"kernel table row {info} does not match its microkernel layout {layout}");
    }

    public override int TileRows => TKernel.Layout.MR;

    public override PackedFirstLayerWeights Pack(ReadOnlySpan<sbyte> ohwi, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q) => new(TKernel.Layout, ohwi, bias, multipliers, g, q);

    private static bool HasTableGather(in GemmLayout layout, in ConvGeometry g, int rowK) =>
        layout.MR == 8 && layout.KGroup == 4 && layout.ElementBytes == 1 && !layout.FlipActivations
        && 3 * g.StrideW * g.InC + rowK <= 32;

    /// <summary>The int16 layout of the multiply-by-element kernel: [K][8 rows], one value per group.</summary>
    private static bool HasWideTableGather(in GemmLayout layout, in ConvGeometry g, int rowK) =>
        layout.MR == 8 && layout.KGroup == 1 && layout.ElementBytes == 2 && !layout.FlipActivations
        && 3 * g.StrideW * g.InC + rowK + 1 <= 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Run(sbyte* input, sbyte* output, PackedFirstLayerWeights w, int tileBegin, int tileEnd)
    {
        var layout = TKernel.Layout;
        var g = w.Geometry;
        var gemm = w.Gemm;
        int mr = layout.MR, nr = layout.NR, m = w.Rows, n = gemm.N;
        byte* panel = stackalloc byte[layout.PanelBytes(gemm.K) + 16];
        sbyte* partial = stackalloc sbyte[mr * nr];
        bool table = HasTableGather(layout, g, w.RowK), wide = HasWideTableGather(layout, g, w.RowK);
        int pixelStep = g.StrideW * g.InC;
        Vector128<byte>* indices = stackalloc Vector128<byte>[16];
        // SDOT panel: group g's indices for 4 pixels: pixel r's bytes r * pixelStep + 4g + j, j < 4.
        for (int group = 0; group < w.RowK / 4 && table; group++)
        {
            byte* idx = (byte*)(indices + group);
            for (int i = 0; i < 16; i++) idx[i] = (byte)(i / 4 * pixelStep + 4 * group + i % 4);
        }
        // int16 panel: values 2p and 2p + 1 of the 8 pixels; pixels 0-3 from the first table, 4-7 from the
        // second (out-of-range index 255 gives 0, so the two lookups combine with OR).
        for (int pair = 0; pair < (w.RowK + 1) / 2 && wide; pair++)
        {
            byte* first = (byte*)(indices + 2 * pair), second = (byte*)(indices + 2 * pair + 1);
            for (int i = 0; i < 16; i++)
            {
                int r = i % 8, value = 2 * pair + i / 8;
                first[i] = r < 4 ? (byte)(r * pixelStep + value) : (byte)255;
                second[i] = r >= 4 ? (byte)((r - 4) * pixelStep + value) : (byte)255;
            }
        }
        sbyte* inputEnd = input + (nint)g.N * g.InH * g.InW * g.InC;
        var q = gemm.Requantization;
        for (int tile = tileBegin; tile < tileEnd; tile++)
        {
            int m0 = tile * mr, valid = Math.Min(mr, m - m0);
            if (!(table && valid == mr && TableGather(input, inputEnd, w, m0, indices, panel, false))
                && !(wide && valid == mr && TableGather(input, inputEnd, w, m0, indices, panel, true)))
                Gather(input, w, m0, valid, panel);
            for (int t = 0; t < gemm.NTiles; t++)
            {
                int n0 = t * nr, cols = Math.Min(nr, n - n0);
                byte* b = gemm.B + (nint)t * gemm.TileBytes;
                sbyte* c = output + (nint)m0 * n + n0;
                if (valid == mr && cols == nr)
                {
                    TKernel.Run(gemm.KGroups, panel, b, gemm.Bias + n0, gemm.Multipliers + n0, q, c, n);
                }
                else
                {
                    if (!TKernel.TryRunRows(valid, gemm.KGroups, panel, b, gemm.Bias + n0, gemm.Multipliers + n0, q, partial, nr))
                        TKernel.Run(gemm.KGroups, panel, b, gemm.Bias + n0, gemm.Multipliers + n0, q, partial, nr);
                    for (int r = 0; r < valid; r++)
                        Buffer.MemoryCopy(partial + r * nr, c + (nint)r * n, cols, cols);
                }
            }
        }
    }

    /// <summary>
    /// The panel of 8 pixels m0..m0+7 when they share an output row and every window lies inside the input
    /// (false otherwise). SDOT: [window row][group][pixel][4 bytes], bytes past KernelW * InC in a group
    /// belong to the next pixel and meet zero weights. <paramref name="wide"/>: [value][pixel] as int16
    /// (SXTL, SXTL2 of each pair of values); an odd row's last pair writes one value into the next window
    /// row's first slot, rewritten next (or into the panel's 16 spare bytes). Reads stay below
    /// <paramref name="inputEnd"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TableGather(sbyte* input, sbyte* inputEnd, PackedFirstLayerWeights w, int m0, Vector128<byte>* indices, byte* panel, bool wide)
    {
        var g = w.Geometry;
        int pixels = g.OutH * g.OutW;
        int image = m0 / pixels, rem = m0 - image * pixels;
        int oh = rem / g.OutW, ow = rem - oh * g.OutW;
        int top = oh * g.StrideH - g.PadTop, left = ow * g.StrideW - g.PadLeft;
        if (ow + 7 >= g.OutW || top < 0 || top + g.KernelH > g.InH || left < 0 || (ow + 7) * g.StrideW - g.PadLeft + g.KernelW > g.InW)
            return false;
        nint half = (nint)4 * g.StrideW * g.InC, inRow = (nint)g.InW * g.InC;
        sbyte* p = input + (((nint)image * g.InH + top) * g.InW + left) * g.InC;
        if (p + (g.KernelH - 1) * inRow + half + 32 > inputEnd) return false;
        int groups = w.RowK / 4, pairs = (w.RowK + 1) / 2;
        var dst = (Vector128<sbyte>*)panel;
        for (int kh = 0; kh < g.KernelH; kh++, p += inRow)
        {
            Vector128<sbyte> t0 = Vector128.Load(p), t1 = Vector128.Load(p + 16);
            Vector128<sbyte> u0 = Vector128.Load(p + half), u1 = Vector128.Load(p + half + 16);
            if (wide)
            {
                var values = (Vector128<short>*)panel + kh * w.RowK;
                for (int pair = 0; pair < pairs; pair++)
                {
                    var bytes = TSimd.VectorTableLookup2(t0, t1, indices[2 * pair]) | TSimd.VectorTableLookup2(u0, u1, indices[2 * pair + 1]);
                    values[2 * pair] = Vector128.WidenLower(bytes);
                    values[2 * pair + 1] = Vector128.WidenUpper(bytes);
                }
                continue;
            }
            for (int group = 0; group < groups; group++)
            {
                dst[0] = TSimd.VectorTableLookup2(t0, t1, indices[group]);
                dst[1] = TSimd.VectorTableLookup2(u0, u1, indices[group]);
                dst += 2;
            }
        }
        return true;
    }

    /// <summary>
    /// Any layout, any pixels: rows m0 .. m0 + valid - 1 (the rest repeat the last), window values from the
    /// input, the zero point where the window leaves it, zero in the padding of each window row.
    /// </summary>
    private static void Gather(sbyte* input, PackedFirstLayerWeights w, int m0, int valid, byte* panel)
    {
        var g = w.Geometry;
        int rowK = w.RowK, row = g.KernelW * g.InC, c = g.InC;
        int pixels = g.OutH * g.OutW;
        sbyte zp = (sbyte)w.InZp;
        for (int r = 0; r < TKernel.Layout.MR; r++)
        {
            int mIndex = m0 + Math.Min(r, valid - 1);
            int image = mIndex / pixels, rem = mIndex - image * pixels;
            int oh = rem / g.OutW, ow = rem - oh * g.OutW;
            int left = ow * g.StrideW - g.PadLeft;
            for (int kh = 0; kh < g.KernelH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh, k = kh * rowK;
                sbyte* inputRow = (uint)ih < (uint)g.InH ? input + ((nint)image * g.InH + ih) * g.InW * c : null;
                for (int kw = 0; kw < g.KernelW; kw++)
                {
                    int iw = left + kw;
                    sbyte* src = inputRow != null && (uint)iw < (uint)g.InW ? inputRow + (nint)iw * c : null;
                    for (int ci = 0; ci < c; ci++) Put(panel, k++, r, src != null ? src[ci] : zp, true);
                }
                for (int e = row; e < rowK; e++) Put(panel, k++, r, 0, false);
            }
        }
    }

    /// <summary>Reduction value k of panel row r in the layout's order [K/KGroup][MR][KGroup], flipped or widened as it asks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(byte* panel, int k, int r, sbyte x, bool real)
    {
        var layout = TKernel.Layout;
        nint at = ((nint)(k / layout.KGroup) * layout.MR + r) * layout.KGroup + k % layout.KGroup;
        if (layout.ElementBytes == 1) panel[at] = (byte)((byte)x ^ (layout.FlipActivations && real ? 0x80 : 0));
        else ((short*)panel)[at] = x;
    }
}
