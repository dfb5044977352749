using System.Runtime.Intrinsics;
using EdgeCnn.Quantization;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Elementwise;

/// <summary>
/// MaxPool_Int8_Vector128_16, AvgPool_Int8_Vector128_16 and GlobalAvgPool_Int8_Vector128_16: 16 channels
/// per step in portable Vector128 code, remaining channels with the reference formula.
/// </summary>
internal static unsafe class PoolVector128
{
    /// <summary>
    /// 16-channel blocks covering c channels when c &gt;= 16: the last block overlaps the one before it
    /// (channels c - 16 .. c - 1), which computes some channels twice with identical results instead of
    /// running a scalar tail (MobileNet and ShuffleNet have 24 channels: a third of them were scalar).
    /// </summary>
    private static int VectorBlocks(int c) => c >= 16 ? (c + 15) / 16 : 0;

    /// <summary>Largest byte of each window (padding ignored), clamped to [qmin, qmax].</summary>
    public static void MaxPool(sbyte* input, sbyte* output, in PoolGeometry g, int qmin, int qmax)
    {
        int c = g.C, blocks = VectorBlocks(c);
        var vmin = Vector128.Create((sbyte)qmin);
        var vmax = Vector128.Create((sbyte)qmax);
        for (int n = 0; n < g.N; n++)
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = oh * g.StrideH - g.PadTop;
            int h0 = Math.Max(top, 0), h1 = Math.Min(top + g.KernelH, g.InH);
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int left = ow * g.StrideW - g.PadLeft;
                int w0 = Math.Max(left, 0), w1 = Math.Min(left + g.KernelW, g.InW);
                sbyte* dst = output + (((nint)n * g.OutH + oh) * g.OutW + ow) * c;
                for (int b = 0, start = 0; b < blocks; b++, start = Math.Min(16 * b, c - 16))
                {
                    var max = Vector128.Create(sbyte.MinValue);
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            max = Vector128.Max(max, Vector128.Load(input + (((nint)n * g.InH + ih) * g.InW + iw) * c + start));
                    Vector128.Min(Vector128.Max(max, vmin), vmax).Store(dst + start);
                }
                for (int ch = blocks > 0 ? c : 0; ch < c; ch++)
                {
                    int max = sbyte.MinValue;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            max = Math.Max(max, input[(((nint)n * g.InH + ih) * g.InW + iw) * c + ch]);
                    dst[ch] = (sbyte)Math.Clamp(max, qmin, qmax);
                }
            }
        }
    }

    /// <summary>Windows up to this many positions sum in int16 lanes: 256 * 128 still fits.</summary>
    public const int MaxAvgPoolWindow = 256;

    /// <summary>
    /// Requantize(sum over the window's input positions of (x - inZp), scaleRatio / (float)count), count as
    /// <see cref="PoolGeometry.AverageCount"/>: the vector path sums x in int16 lanes (exact for windows of at
    /// most <see cref="MaxAvgPoolWindow"/> positions), widens once, and subtracts positions * inZp.
    /// </summary>
    public static void AvgPool(sbyte* input, sbyte* output, in PoolGeometry g, bool countIncludePad, float scaleRatio,
        int inZp, int outZp, int qmin, int qmax)
    {
        if (g.KernelH * g.KernelW > MaxAvgPoolWindow)
            throw new ArgumentException($"vector average pooling takes windows of at most {MaxAvgPoolWindow} positions, got {g.KernelH}x{g.KernelW}");
        int c = g.C, blocks = VectorBlocks(c);
        var r = new Requantization(outZp, qmin, qmax);
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        for (int n = 0; n < g.N; n++)
        for (int oh = 0; oh < g.OutH; oh++)
        {
            int top = g.WindowTop(oh);
            int h0 = Math.Max(top, 0), h1 = Math.Min(top + g.KernelH, g.InH);
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int left = g.WindowLeft(ow);
                int w0 = Math.Max(left, 0), w1 = Math.Min(left + g.KernelW, g.InW);
                float multiplier = scaleRatio / (float)g.AverageCount(oh, ow, countIncludePad);
                int positions = Math.Max(0, h1 - h0) * Math.Max(0, w1 - w0);
                var m = Vector128.Create(multiplier);
                var offset = Vector128.Create(positions * inZp);
                sbyte* dst = output + (((nint)n * g.OutH + oh) * g.OutW + ow) * c;
                for (int b = 0, start = 0; b < blocks; b++, start = Math.Min(16 * b, c - 16))
                {
                    Vector128<short> low = default, high = default;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                        {
                            var x = Vector128.Load(input + (((nint)n * g.InH + ih) * g.InW + iw) * c + start);
                            low += Vector128.WidenLower(x);
                            high += Vector128.WidenUpper(x);
                        }
                    var r0 = Requantization.Apply(Vector128.WidenLower(low) - offset, m, lo, hi, magic);
                    var r1 = Requantization.Apply(Vector128.WidenUpper(low) - offset, m, lo, hi, magic);
                    var r2 = Requantization.Apply(Vector128.WidenLower(high) - offset, m, lo, hi, magic);
                    var r3 = Requantization.Apply(Vector128.WidenUpper(high) - offset, m, lo, hi, magic);
                    Requantization.Narrow(r0, r1, r2, r3).Store(dst + start);
                }
                for (int ch = blocks > 0 ? c : 0; ch < c; ch++)
                {
                    int sum = 0;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++)
                            sum += input[(((nint)n * g.InH + ih) * g.InW + iw) * c + ch] - inZp;
                    dst[ch] = QuantMath.Requantize(sum, multiplier, outZp, qmin, qmax);
                }
            }
        }
    }

    /// <summary>
    /// Requantize(sum_{h,w} (x - inZp), scaleRatio / (float)(H*W)) per (n, c): the vector path sums x in
    /// int32 lanes and subtracts H*W*inZp once, the same value modulo 2^32 as the reference's running sum.
    /// </summary>
    public static void GlobalAvgPool(sbyte* input, Shape4 shape, float scaleRatio, int inZp, int outZp, int qmin, int qmax, sbyte* output)
    {
        int c = shape.C, pixels = shape.H * shape.W, blocks = c / 16;
        float multiplier = scaleRatio / (float)pixels;
        var r = new Requantization(outZp, qmin, qmax);
        var m = Vector128.Create(multiplier);
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        var offset = Vector128.Create(unchecked(pixels * inZp));
        for (int n = 0; n < shape.N; n++)
        {
            sbyte* image = input + (nint)n * pixels * c;
            for (int b = 0; b < blocks; b++)
            {
                Vector128<int> s0 = default, s1 = default, s2 = default, s3 = default;
                for (int p = 0; p < pixels; p++)
                {
                    var (x0, x1, x2, x3) = BinaryVector128.Widen(Vector128.Load(image + (nint)p * c + 16 * b));
                    s0 += x0;
                    s1 += x1;
                    s2 += x2;
                    s3 += x3;
                }
                var r0 = Requantization.Apply(s0 - offset, m, lo, hi, magic);
                var r1 = Requantization.Apply(s1 - offset, m, lo, hi, magic);
                var r2 = Requantization.Apply(s2 - offset, m, lo, hi, magic);
                var r3 = Requantization.Apply(s3 - offset, m, lo, hi, magic);
                Requantization.Narrow(r0, r1, r2, r3).Store(output + (nint)n * c + 16 * b);
            }
            for (int ch = 16 * blocks; ch < c; ch++)
            {
                int sum = 0;
                for (int p = 0; p < pixels; p++) sum += image[(nint)p * c + ch] - inZp;
                output[(nint)n * c + ch] = QuantMath.Requantize(sum, multiplier, outZp, qmin, qmax);
            }
        }
    }
}
