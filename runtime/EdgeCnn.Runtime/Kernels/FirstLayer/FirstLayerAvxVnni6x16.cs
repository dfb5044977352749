using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.FirstLayer;

/// <summary>
/// Conv_Int8_AvxVnni_FirstLayer_6x16: a first layer (at most 4 input channels) computed straight from the
/// NHWC input, without im2col and without packing. A window row of one pixel is KernelW * InC contiguous
/// input bytes (9 for 3x3 RGB); each group of 4 of them is broadcast to every int32 lane, flipped to
/// uint8 (x ^ 0x80) and multiplied by 16 channels' weights with vpdpbusd. Six pixels (any rows) share each
/// weight load: 12 accumulators, like Gemm_Int8_AvxVnni_6x16. A pixel whose window leaves the input (or
/// whose last group would read past the input's end) reads a copy of its window padded with the zero
/// point instead; the bytes after KernelW * InC in a group meet zero weights.
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class FirstLayerAvxVnni6x16 : FirstLayerKernel
{
    private const int Rows = 6;

    public FirstLayerAvxVnni6x16(KernelInfo info) : base(info) { }

    public override int TileRows => Rows;

    public override PackedFirstLayerWeights Pack(ReadOnlySpan<sbyte> ohwi, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q)
    {
        var packed = new PackedFirstLayerWeights(GemmAvxVnni6x16.Layout, ohwi, bias, multipliers, g, q);
        packed.AvxVnni = new FirstLayerAvxVnniWeights(ohwi, bias, multipliers, g, q.InZp, packed.RowK);
        return packed;
    }

    public override void Run(sbyte* input, sbyte* output, PackedFirstLayerWeights w, int tileBegin, int tileEnd)
    {
        var g = w.Geometry;
        var direct = w.AvxVnni ?? throw new ArgumentException("the weights were not packed by Conv_Int8_AvxVnni_FirstLayer_6x16");
        int rowK = w.RowK, m = w.Rows, n = g.OutC;
        // Row pointers [kh][pixel] and the padded windows of border pixels ([pixel][kh][RowK]).
        sbyte** rows = stackalloc sbyte*[g.KernelH * Rows];
        sbyte* windows = stackalloc sbyte[Rows * g.KernelH * rowK];
        sbyte* partial = stackalloc sbyte[Rows * FirstLayerAvxVnniWeights.Channels];
        sbyte* inputEnd = input + (nint)g.N * g.InH * g.InW * g.InC;
        // The pixel (image, oh, ow) advances one at a time: no division per pixel.
        int perImage = g.OutH * g.OutW, first0 = tileBegin * Rows;
        int image = first0 / perImage, oh = first0 % perImage / g.OutW, ow = first0 % g.OutW;
        for (int tile = tileBegin; tile < tileEnd; tile++)
        {
            int m0 = tile * Rows, valid = Math.Min(Rows, m - m0);
            if (valid == Rows && InteriorRun(input, inputEnd, g, rowK, image, oh, ow, rows))
            {
                // Six pixels of one output row, all inside: the pointers step along the row.
                ow += Rows;
                if (ow == g.OutW)
                {
                    ow = 0;
                    if (++oh == g.OutH) (oh, image) = (0, image + 1);
                }
            }
            else for (int r = 0; r < Rows; r++)
            {
                if (r < valid)
                {
                    WindowRows(input, inputEnd, g, w.InZp, rowK, image, oh, ow, rows + r, windows + r * g.KernelH * rowK);
                    if (++ow == g.OutW)
                    {
                        ow = 0;
                        if (++oh == g.OutH) (oh, image) = (0, image + 1);
                    }
                }
                else
                {
                    // Rows past the last pixel repeat it; their results are not stored.
                    for (int kh = 0; kh < g.KernelH; kh++) rows[kh * Rows + r] = rows[kh * Rows + valid - 1];
                }
            }
            for (int b = 0; b < direct.Blocks; b++)
            {
                int first = b * FirstLayerAvxVnniWeights.Channels, cols = Math.Min(FirstLayerAvxVnniWeights.Channels, n - first);
                sbyte* c = output + (nint)m0 * n + first;
                bool whole = valid == Rows && cols == FirstLayerAvxVnniWeights.Channels;
                Tile(rows, g.KernelH, direct.GroupsPerRow, direct.Weights(b, g.KernelH), direct.Bias(b), direct.Multipliers(b),
                    w.Gemm.Requantization, whole ? c : partial, whole ? n : FirstLayerAvxVnniWeights.Channels);
                if (!whole)
                    for (int r = 0; r < valid; r++)
                        Buffer.MemoryCopy(partial + r * FirstLayerAvxVnniWeights.Channels, c + (nint)r * n, cols, cols);
            }
        }
    }

    /// <summary>
    /// When output pixels (image, oh, ow .. ow + 5) lie in one output row and all their windows inside the
    /// input (and the last one's last group before the input's end), sets rows[kh * Rows + r] for all six
    /// and returns true; otherwise returns false and leaves the pixels to <see cref="WindowRows"/>.
    /// </summary>
    private static bool InteriorRun(sbyte* input, sbyte* inputEnd, in ConvGeometry g, int rowK, int image, int oh, int ow, sbyte** rows)
    {
        int top = oh * g.StrideH - g.PadTop, left = ow * g.StrideW - g.PadLeft;
        if (ow + Rows > g.OutW || top < 0 || top + g.KernelH > g.InH || left < 0 || left + (Rows - 1) * g.StrideW + g.KernelW > g.InW)
            return false;
        nint inRow = (nint)g.InW * g.InC, step = (nint)g.StrideW * g.InC;
        sbyte* p = input + (((nint)image * g.InH + top) * g.InW + left) * g.InC;
        if (p + (g.KernelH - 1) * inRow + (Rows - 1) * step + rowK > inputEnd) return false;
        for (int kh = 0; kh < g.KernelH; kh++, p += inRow)
            for (int r = 0; r < Rows; r++) rows[kh * Rows + r] = p + r * step;
        return true;
    }

    /// <summary>
    /// Sets rows[kh * Rows] to the start of window row kh of output pixel (image, oh, ow): in the
    /// input when the whole window lies inside it, else in <paramref name="window"/>, filled here.
    /// </summary>
    private static void WindowRows(sbyte* input, sbyte* inputEnd, in ConvGeometry g, int zp, int rowK, int image, int oh, int ow, sbyte** rows, sbyte* window)
    {
        int top = oh * g.StrideH - g.PadTop, left = ow * g.StrideW - g.PadLeft;
        nint inRow = (nint)g.InW * g.InC;
        sbyte* p = input + (((nint)image * g.InH + top) * g.InW + left) * g.InC;
        bool inside = top >= 0 && top + g.KernelH <= g.InH && left >= 0 && left + g.KernelW <= g.InW
            && p + (g.KernelH - 1) * inRow + rowK <= inputEnd;
        for (int kh = 0; kh < g.KernelH; kh++)
        {
            if (inside)
            {
                rows[kh * Rows] = p + kh * inRow;
                continue;
            }
            sbyte* dst = window + kh * rowK;
            rows[kh * Rows] = dst;
            int ih = top + kh, k = 0;
            for (int kw = 0; kw < g.KernelW; kw++)
            {
                int iw = left + kw;
                bool valid = (uint)ih < (uint)g.InH && (uint)iw < (uint)g.InW;
                sbyte* src = input + (((nint)image * g.InH + ih) * g.InW + iw) * g.InC;
                for (int ci = 0; ci < g.InC; ci++) dst[k++] = valid ? src[ci] : (sbyte)zp;
            }
            for (; k < rowK; k++) dst[k] = 0;
        }
    }

    /// <summary>Six pixels x 16 channels; a leaf, so the 12 accumulators stay in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(sbyte** rows, int kernelH, int groupsPerRow, sbyte* b, int* bias, float* multipliers, Requantization q, sbyte* c, nint cStride)
    {
        var bias0 = Vector256.Load(bias);
        var bias1 = Vector256.Load(bias + 8);
        Vector256<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1;
        Vector256<int> c30 = bias0, c31 = bias1, c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1;
        var flip = Vector256.Create(unchecked((int)0x80808080));
        for (int kh = 0; kh < kernelH; kh++)
        {
            sbyte** r = rows + kh * Rows;
            sbyte* p0 = r[0], p1 = r[1], p2 = r[2], p3 = r[3], p4 = r[4], p5 = r[5];
            for (int gi = 0; gi < groupsPerRow; gi++)
            {
                var b0 = Vector256.Load(b);
                var b1 = Vector256.Load(b + 32);
                nint o = 4 * gi;
                var a0 = (Vector256.Create(*(int*)(p0 + o)) ^ flip).AsByte();
                c00 = AvxVnni.MultiplyWideningAndAdd(c00, a0, b0);
                c01 = AvxVnni.MultiplyWideningAndAdd(c01, a0, b1);
                var a1 = (Vector256.Create(*(int*)(p1 + o)) ^ flip).AsByte();
                c10 = AvxVnni.MultiplyWideningAndAdd(c10, a1, b0);
                c11 = AvxVnni.MultiplyWideningAndAdd(c11, a1, b1);
                var a2 = (Vector256.Create(*(int*)(p2 + o)) ^ flip).AsByte();
                c20 = AvxVnni.MultiplyWideningAndAdd(c20, a2, b0);
                c21 = AvxVnni.MultiplyWideningAndAdd(c21, a2, b1);
                var a3 = (Vector256.Create(*(int*)(p3 + o)) ^ flip).AsByte();
                c30 = AvxVnni.MultiplyWideningAndAdd(c30, a3, b0);
                c31 = AvxVnni.MultiplyWideningAndAdd(c31, a3, b1);
                var a4 = (Vector256.Create(*(int*)(p4 + o)) ^ flip).AsByte();
                c40 = AvxVnni.MultiplyWideningAndAdd(c40, a4, b0);
                c41 = AvxVnni.MultiplyWideningAndAdd(c41, a4, b1);
                var a5 = (Vector256.Create(*(int*)(p5 + o)) ^ flip).AsByte();
                c50 = AvxVnni.MultiplyWideningAndAdd(c50, a5, b0);
                c51 = AvxVnni.MultiplyWideningAndAdd(c51, a5, b1);
                b += 64;
            }
        }
        var e = new Epilogue256(multipliers, q);
        e.Store(c00, c01, c);
        e.Store(c10, c11, c + cStride);
        e.Store(c20, c21, c + 2 * cStride);
        e.Store(c30, c31, c + 3 * cStride);
        e.Store(c40, c41, c + 4 * cStride);
        e.Store(c50, c51, c + 5 * cStride);
    }
}
