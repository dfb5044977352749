using System.Numerics;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// One channel of a depthwise convolution: the input plane is copied once into a zero-padded plane
/// (split into column phases when the stride is above 1, so that every tap reads contiguous columns),
/// then each output row is computed a vector of columns at a time with all taps in a register:
/// y = bias, then y += w * x tap by tap in (ky, kx) order, the order of the direct loops.
/// </summary>
internal static class DepthwiseConv
{
    /// <param name="x">The input plane, h x w.</param>
    /// <param name="taps">The channel's kh x kw weights.</param>
    /// <param name="y">The output plane, g.OutH x g.OutW.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> floats.</param>
    public static void Channel(ReadOnlySpan<float> x, int h, int w, ReadOnlySpan<float> taps, float bias,
        SpatialGeometry g, Span<float> y, Span<float> scratch)
    {
        int paddedH = h + g.PadTop + g.PadBottom, paddedW = w + g.PadLeft + g.PadRight;
        int stride = g.StrideW, phaseW = (paddedW + stride - 1) / stride;
        var planes = scratch[..(stride * paddedH * phaseW)];
        planes.Clear();
        for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
        {
            int col = c + g.PadLeft;
            planes[((col % stride) * paddedH + r + g.PadTop) * phaseW + col / stride] = x[r * w + c];
        }

        int oh = g.OutH, ow = g.OutW, kh = g.KernelH, kw = g.KernelW, lanes = Vector<float>.Count;
        var vbias = new Vector<float>(bias);
        for (int oy = 0; oy < oh; oy++)
        {
            var outRow = y.Slice(oy * ow, ow);
            int ox = 0;
            if (Vector.IsHardwareAccelerated)
                for (; ox <= ow - lanes; ox += lanes)
                {
                    var acc = vbias;
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int row = oy * g.StrideH + ky * g.DilationH;
                        for (int kx = 0; kx < kw; kx++)
                        {
                            int tap = kx * g.DilationW;
                            int at = ((tap % stride) * paddedH + row) * phaseW + tap / stride + ox;
                            acc += new Vector<float>(taps[ky * kw + kx]) * new Vector<float>(planes.Slice(at, lanes));
                        }
                    }
                    acc.CopyTo(outRow[ox..]);
                }
            for (; ox < ow; ox++)
            {
                float acc = bias;
                for (int ky = 0; ky < kh; ky++)
                {
                    int row = oy * g.StrideH + ky * g.DilationH;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int tap = kx * g.DilationW;
                        acc += taps[ky * kw + kx] * planes[((tap % stride) * paddedH + row) * phaseW + tap / stride + ox];
                    }
                }
                outRow[ox] = acc;
            }
        }
    }

    /// <summary>Scratch floats <see cref="Channel"/> needs for an h x w plane.</summary>
    public static int ScratchLength(int h, int w, SpatialGeometry g)
    {
        int paddedW = w + g.PadLeft + g.PadRight;
        return g.StrideW * (h + g.PadTop + g.PadBottom) * ((paddedW + g.StrideW - 1) / g.StrideW);
    }
}
