using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// DwConv3x3_Int8_AvxVnni_32c: 3x3 depthwise (any stride and padding, dilation 1) with vpdpbusd on whole
/// window rows. The input rows come from a <see cref="QuadRowRing"/>, which stores for every output column
/// the window row's three bytes per channel in one dword (prepared once per input row), so an output
/// pixel of 32 channels is 3 rows x 4 vpdpbusd (4 products each, exact in int32) and the output stage of
/// <see cref="Gemm.Epilogue256"/> widened to 32 channels. Channel blocks are the outer loop: a block's
/// twelve weight vectors are read from L1 by every pixel of every row it covers. Other kernel shapes, and
/// maps too wide for the stack scratch, run the next kernel this CPU supports.
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class Depthwise3x3AvxVnni32c : DepthwiseKernel
{
    /// <summary>Largest ring kept on the stack (output rows up to 250 pixels wide).</summary>
    private const int MaxScratchBytes = 128 * 1024;
    private readonly DepthwiseKernel _fallback;

    public Depthwise3x3AvxVnni32c(KernelInfo info, DepthwiseKernel fallback) : base(info) => _fallback = fallback;

    private static bool Applies(in ConvGeometry g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.DilationH == 1 && g.DilationW == 1 && QuadRowRing.ScratchBytes(g) <= MaxScratchBytes;

    public override PackedDepthwiseWeights Pack(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q)
    {
        if (!Applies(g)) return _fallback.Pack(weights, bias, multipliers, g, q);
        var packed = base.Pack(weights, bias, multipliers, g, q);
        packed.Quad3x3 = new Quad3x3Weights(weights, bias, multipliers, g.OutC, q.InZp);
        return packed;
    }

    public override int ChannelBlocks(PackedDepthwiseWeights w) => w.Quad3x3?.Blocks ?? _fallback.ChannelBlocks(w);

    public override void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd) =>
        Run(input, output, w, rowBegin, rowEnd, 0, ChannelBlocks(w));

    public override void Run(sbyte* input, sbyte* output, PackedDepthwiseWeights w, int rowBegin, int rowEnd, int blockBegin, int blockEnd)
    {
        var quad = w.Quad3x3;
        if (quad is null)
        {
            _fallback.Run(input, output, w, rowBegin, rowEnd, blockBegin, blockEnd);
            return;
        }
        if (blockBegin < 0 || blockEnd > quad.Blocks || blockBegin > blockEnd)
            throw new ArgumentOutOfRangeException(nameof(blockBegin), $"channel blocks [{blockBegin}, {blockEnd}) outside [0, {quad.Blocks})");
        var g = w.Geometry;
        byte* scratch = stackalloc byte[(int)QuadRowRing.ScratchBytes(g)];
        var ring = new QuadRowRing(input, g, w.InZp, scratch);
        int c = g.OutC;
        for (int b = blockBegin; b < blockEnd; b++)
        {
            ring.Select(b);
            int channels = Math.Min(Quad3x3Weights.Width, c - Quad3x3Weights.Width * b);
            for (int row = rowBegin; row < rowEnd; row++)
            {
                int n = row / g.OutH, oh = row - n * g.OutH;
                int top = oh * g.StrideH - g.PadTop;
                byte* r0 = ring.Row(n, top), r1 = ring.Row(n, top + 1), r2 = ring.Row(n, top + 2);
                sbyte* dst = output + (nint)row * g.OutW * c + Quad3x3Weights.Width * b;
                RowBlock(r0, r1, r2, g.OutW, quad.Weights(b), quad.Bias(b), quad.Multipliers(b), w.Requantization, dst, c, channels);
            }
        }
    }

    /// <summary>
    /// One output row of one 32-channel block from the window's three quad rows. A leaf: no calls, so
    /// the accumulators and constants stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowBlock(byte* r0, byte* r1, byte* r2, int outW, sbyte* wp, int* bias, float* m,
        Requantization q, sbyte* dst, int dstStride, int channels)
    {
        Vector256<int> b0 = Vector256.Load(bias), b1 = Vector256.Load(bias + 8), b2 = Vector256.Load(bias + 16), b3 = Vector256.Load(bias + 24);
        Vector256<float> m0 = Vector256.Load(m), m1 = Vector256.Load(m + 8), m2 = Vector256.Load(m + 16), m3 = Vector256.Load(m + 24);
        // The output stage of Epilogue256: upper clamp in float, vcvtps2dq (half to even), saturating
        // packs, zp added in int16, byte clamp (each clamp skipped when it cannot change a result); see
        // there why it equals the reference rule.
        var hi = Vector256.Create(q.Hi);
        var zp = Vector256.Create((short)q.OutZp);
        var qmin = Vector256.Create((sbyte)q.QMin);
        var qmax = Vector256.Create((sbyte)q.QMax);
        bool clampHigh = !q.NoConversionOverflow, clampBytes = q.ClampsBytes;
        for (int ow = 0; ow < outW; ow++)
        {
            Vector256<int> a0 = b0, a1 = b1, a2 = b2, a3 = b3;
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Load(r0), Vector256.Load(wp));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Load(r0 + 32), Vector256.Load(wp + 32));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.Load(r0 + 64), Vector256.Load(wp + 64));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.Load(r0 + 96), Vector256.Load(wp + 96));
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Load(r1), Vector256.Load(wp + 128));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Load(r1 + 32), Vector256.Load(wp + 160));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.Load(r1 + 64), Vector256.Load(wp + 192));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.Load(r1 + 96), Vector256.Load(wp + 224));
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Load(r2), Vector256.Load(wp + 256));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Load(r2 + 32), Vector256.Load(wp + 288));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.Load(r2 + 64), Vector256.Load(wp + 320));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.Load(r2 + 96), Vector256.Load(wp + 352));
            Vector256<float> v0 = Avx.ConvertToVector256Single(a0) * m0, v1 = Avx.ConvertToVector256Single(a1) * m1;
            Vector256<float> v2 = Avx.ConvertToVector256Single(a2) * m2, v3 = Avx.ConvertToVector256Single(a3) * m3;
            if (clampHigh)
            {
                v0 = Avx.Min(v0, hi);
                v1 = Avx.Min(v1, hi);
                v2 = Avx.Min(v2, hi);
                v3 = Avx.Min(v3, hi);
            }
            Vector256<int> i0 = Avx.ConvertToVector256Int32(v0), i1 = Avx.ConvertToVector256Int32(v1);
            Vector256<int> i2 = Avx.ConvertToVector256Int32(v2), i3 = Avx.ConvertToVector256Int32(v3);
            // Lane L: accumulators 0, 1 hold channels 16L+0..7, accumulators 2, 3 channels 16L+8..15, so
            // the two packs leave all 32 channels in order.
            var s01 = Avx2.AddSaturate(Avx2.PackSignedSaturate(i0, i1), zp);
            var s23 = Avx2.AddSaturate(Avx2.PackSignedSaturate(i2, i3), zp);
            var bytes = Avx2.PackSignedSaturate(s01, s23);
            if (clampBytes) bytes = Vector256.Min(Vector256.Max(bytes, qmin), qmax);
            if (channels == Quad3x3Weights.Width) bytes.Store(dst);
            else if (channels == 16) bytes.GetLower().Store(dst);
            else for (int ch = 0; ch < channels; ch++) dst[ch] = bytes.GetElement(ch);
            r0 += 128;
            r1 += 128;
            r2 += 128;
            dst += dstStride;
        }
    }
}
