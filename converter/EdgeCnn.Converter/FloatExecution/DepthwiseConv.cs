using System.Numerics;
using System.Runtime.InteropServices;

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
    /// <param name="kernel">The channel's kh x kw weights.</param>
    /// <param name="y">The output plane, g.OutH x g.OutW.</param>
    /// <param name="scratch">At least <see cref="ScratchLength"/> floats.</param>
    public static void Channel(ReadOnlySpan<float> x, int h, int w, ReadOnlySpan<float> kernel, float bias,
        SpatialGeometry g, Span<float> y, Span<float> scratch)
    {
        int paddedH = h + g.PadTop + g.PadBottom, paddedW = w + g.PadLeft + g.PadRight;
        int stride = g.StrideW, phaseW = (paddedW + stride - 1) / stride;
        var planes = scratch[..(stride * paddedH * phaseW)];
        planes.Clear();
        for (int r = 0; r < h; r++)
        {
            var row = x.Slice(r * w, w);
            if (stride == 1)
            {
                row.CopyTo(planes.Slice((r + g.PadTop) * phaseW + g.PadLeft));
                continue;
            }
            // Padded column col = c + PadLeft goes to phase col % stride, position col / stride.
            for (int phase = 0; phase < stride; phase++)
            {
                int c = ((phase - g.PadLeft) % stride + stride) % stride;
                var dst = planes.Slice((phase * paddedH + r + g.PadTop) * phaseW);
                for (int at = (c + g.PadLeft) / stride; c < w; c += stride, at++) dst[at] = row[c];
            }
        }

        // Where tap t of output (oy, ox) is: oy * rowStep + offsets[t] + ox.
        int oh = g.OutH, ow = g.OutW, taps = g.KernelH * g.KernelW, lanes = Vector<float>.Count;
        int rowStep = g.StrideH * phaseW;
        var offsets = new int[taps];
        var weights = new Vector<float>[taps];
        int last = 0;
        for (int ky = 0; ky < g.KernelH; ky++)
        for (int kx = 0; kx < g.KernelW; kx++)
        {
            int t = ky * g.KernelW + kx, tap = kx * g.DilationW;
            offsets[t] = ((tap % stride) * paddedH + ky * g.DilationH) * phaseW + tap / stride;
            weights[t] = new Vector<float>(kernel[t]);
            last = Math.Max(last, offsets[t]);
        }
        // The unchecked loads below stay inside the planes: check the furthest one once.
        if ((long)(oh - 1) * rowStep + last + ow > planes.Length)
            throw new ArgumentException($"depthwise window ({g.KernelH}x{g.KernelW}) runs past the padded {paddedH}x{paddedW} input");
        ref float origin = ref MemoryMarshal.GetReference(planes);
        var vbias = new Vector<float>(bias);
        for (int oy = 0; oy < oh; oy++)
        {
            int rowBase = oy * rowStep;
            var outRow = y.Slice(oy * ow, ow);
            int ox = 0;
            if (Vector.IsHardwareAccelerated)
                for (; ox <= ow - lanes; ox += lanes)
                {
                    var acc = vbias;
                    for (int t = 0; t < taps; t++)
                        acc += weights[t] * Vector.LoadUnsafe(ref origin, (nuint)(rowBase + offsets[t] + ox));
                    acc.CopyTo(outRow[ox..]);
                }
            for (; ox < ow; ox++)
            {
                float acc = bias;
                for (int t = 0; t < taps; t++) acc += kernel[t] * planes[rowBase + offsets[t] + ox];
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
