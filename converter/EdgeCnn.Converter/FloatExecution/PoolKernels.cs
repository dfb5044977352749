using EdgeCnn.Converter.Graph;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>MaxPool, AveragePool (ceil_mode, dilations, auto_pad, count_include_pad) and the global pools.</summary>
internal static class PoolKernels
{
    public static Tensor[] MaxPool(OpContext ctx) => Pool(ctx, isMax: true);

    public static Tensor[] AveragePool(OpContext ctx) => Pool(ctx, isMax: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Tensor[] Pool(OpContext ctx, bool isMax)
    {
        var x = ctx.Input(0);
        var (n, c, h, w, rank) = SpatialGeometry.Dims(ctx, x);
        var (kh, kw) = SpatialGeometry.KernelFromAttribute(ctx, rank);
        bool ceil = ctx.Node.GetInt("ceil_mode", 0) != 0;
        var g = SpatialGeometry.Resolve(ctx, rank, h, w, kh, kw, ceil);
        bool countPad = ctx.Node.GetInt("count_include_pad", 0) != 0;
        bool wantIndices = isMax && ctx.WantsOutput(1);
        int oh = g.OutH, ow = g.OutW;
        // Padded extent: windows that run past it (ceil_mode) do not count the overhang as padding.
        int paddedH = h + g.PadBottom, paddedW = w + g.PadRight;
        var xs = x.AsFloats();
        if (isMax && !wantIndices)
        {
            var maxima = ctx.UninitializedFloats(ShapeMath.Product([n, c, oh, ow]));
            bool separable = g.DilationH == 1 && g.DilationW == 1 && Vector.IsHardwareAccelerated;
            var rowMaxima = separable ? new float[h * ow] : null;
            var full = separable ? new float[w + Vector<float>.Count] : null;
            for (int plane = 0; plane < n * c; plane++)
            {
                var input = xs.AsSpan(plane * h * w, h * w);
                var output = maxima.AsSpan(plane * oh * ow, oh * ow);
                if (separable && !ContainsNaN(input)) MaxPlaneByRows(input, h, w, kh, kw, g, output, rowMaxima!, full!);
                else MaxPlane(input, h, w, kh, kw, g, output);
            }
            return [new Tensor(SpatialGeometry.OutputShape(n, c, oh, ow, rank), maxima)];
        }
        var y = new float[ShapeMath.Product([n, c, oh, ow])];
        var indices = wantIndices ? new long[y.Length] : null;
        for (int plane = 0; plane < n * c; plane++)
        {
            int inBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                float acc = isMax ? float.NegativeInfinity : 0f;
                long arg = -1;
                int inside = 0, padded = 0;
                for (int ky = 0; ky < kh; ky++)
                {
                    int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH;
                    for (int kx = 0; kx < kw; kx++)
                    {
                        int ix = ox * g.StrideW - g.PadLeft + kx * g.DilationW;
                        if ((uint)iy < (uint)h && (uint)ix < (uint)w)
                        {
                            float v = xs[inBase + iy * w + ix];
                            inside++;
                            if (!isMax) acc += v;
                            else if (v > acc || arg < 0) { acc = v; arg = inBase + iy * w + ix; }
                        }
                        else if (iy < paddedH && ix < paddedW) padded++;
                    }
                }
                int o = (plane * oh + oy) * ow + ox;
                if (isMax)
                {
                    y[o] = acc;
                    if (indices is not null) indices[o] = arg;
                }
                else
                {
                    int divisor = countPad ? inside + padded : inside;
                    y[o] = divisor > 0 ? acc / divisor : 0f;
                }
            }
        }
        var shape = SpatialGeometry.OutputShape(n, c, oh, ow, rank);
        return indices is null ? [new Tensor(shape, y)] : [new Tensor(shape, y), new Tensor((int[])shape.Clone(), indices)];
    }

    /// <summary>
    /// One plane of MaxPool without indices, the general loop's result (the first value inside the
    /// window, then any greater one, taps in (ky, kx) order) with the window's rows and columns clipped
    /// to the input once per output row and column instead of tested tap by tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPlane(ReadOnlySpan<float> x, int h, int w, int kh, int kw, SpatialGeometry g, Span<float> y)
    {
        int oh = g.OutH, ow = g.OutW;
        Span<int> first = ow <= 1024 ? stackalloc int[ow] : new int[ow];
        Span<int> last = ow <= 1024 ? stackalloc int[ow] : new int[ow];
        for (int ox = 0; ox < ow; ox++)
        {
            int x0 = ox * g.StrideW - g.PadLeft;
            // Taps kx with 0 <= x0 + kx * dilation < w.
            first[ox] = x0 >= 0 ? 0 : Math.Min(kw, (-x0 + g.DilationW - 1) / g.DilationW);
            last[ox] = x0 >= w ? 0 : Math.Min(kw, (w - 1 - x0) / g.DilationW + 1);
        }
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * g.StrideH - g.PadTop;
            int kyFirst = y0 >= 0 ? 0 : Math.Min(kh, (-y0 + g.DilationH - 1) / g.DilationH);
            int kyLast = y0 >= h ? 0 : Math.Min(kh, (h - 1 - y0) / g.DilationH + 1);
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * g.StrideW - g.PadLeft;
                float acc = float.NegativeInfinity;
                bool seen = false;
                for (int ky = kyFirst; ky < kyLast; ky++)
                {
                    var row = x.Slice((y0 + ky * g.DilationH) * w);
                    for (int kx = first[ox]; kx < last[ox]; kx++)
                    {
                        float v = row[x0 + kx * g.DilationW];
                        if (v > acc || !seen) { acc = v; seen = true; }
                    }
                }
                y[oy * ow + ox] = acc;
            }
        }
    }

    private static bool ContainsNaN(ReadOnlySpan<float> values)
    {
        int i = 0, lanes = Vector<float>.Count;
        for (; i <= values.Length - lanes; i += lanes)
        {
            var v = new Vector<float>(values[i..]);
            if (!Vector.EqualsAll(v, v)) return true;
        }
        for (; i < values.Length; i++)
            if (float.IsNaN(values[i])) return true;
        return false;
    }

    /// <summary>
    /// <see cref="MaxPlane"/> (no dilation, no NaN in the plane) in two vector passes: each input row's
    /// maximum over every window's columns, then each window's maximum over those rows. "The first
    /// value, then any greater one" over the taps in (ky, kx) order picks the first of the largest
    /// values; taken per row and then over the rows in order it picks the same one, so the result is
    /// the general loop's bit for bit. (With NaN it would not: a NaN first in a later row would hide
    /// that row, so such planes take the general loop.)
    /// </summary>
    /// <param name="rowMaxima">h x OutW floats of scratch.</param>
    /// <param name="full">w + one vector of floats of scratch: a row's maxima at every column.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxPlaneByRows(ReadOnlySpan<float> x, int h, int w, int kh, int kw, SpatialGeometry g, Span<float> y,
        Span<float> rowMaxima, Span<float> full)
    {
        int oh = g.OutH, ow = g.OutW, lanes = Vector<float>.Count;
        for (int iy = 0; iy < h; iy++)
        {
            var row = x.Slice(iy * w, w);
            var maxima = rowMaxima.Slice(iy * ow, ow);
            // full[c] = the window of kw columns starting at input column c, for c in 0 .. w - kw.
            int starts = w - kw + 1, c = 0;
            for (; c <= starts - lanes; c += lanes)
            {
                var acc = new Vector<float>(row[c..]);
                for (int kx = 1; kx < kw; kx++)
                {
                    var v = new Vector<float>(row[(c + kx)..]);
                    acc = Vector.ConditionalSelect(Vector.GreaterThan(v, acc), v, acc);
                }
                acc.CopyTo(full[c..]);
            }
            for (; c < starts; c++)
            {
                float acc = row[c];
                for (int kx = 1; kx < kw; kx++) if (row[c + kx] > acc) acc = row[c + kx];
                full[c] = acc;
            }
            for (int ox = 0; ox < ow; ox++)
            {
                int x0 = ox * g.StrideW - g.PadLeft;
                if (x0 >= 0 && x0 + kw <= w)
                {
                    maxima[ox] = full[x0];
                    continue;
                }
                // A window over the edge: its columns inside the row (none: -inf, like the general loop).
                float acc = float.NegativeInfinity;
                bool seen = false;
                for (int kx = Math.Max(0, -x0); kx < kw && x0 + kx < w; kx++)
                {
                    float v = row[x0 + kx];
                    if (v > acc || !seen) { acc = v; seen = true; }
                }
                maxima[ox] = acc;
            }
        }
        for (int oy = 0; oy < oh; oy++)
        {
            int y0 = oy * g.StrideH - g.PadTop;
            int first = Math.Max(0, y0), end = Math.Min(h, y0 + kh);
            var output = y.Slice(oy * ow, ow);
            if (first >= end)
            {
                output.Fill(float.NegativeInfinity);
                continue;
            }
            int ox = 0;
            for (; ox <= ow - lanes; ox += lanes)
            {
                var acc = new Vector<float>(rowMaxima[(first * ow + ox)..]);
                for (int iy = first + 1; iy < end; iy++)
                {
                    var v = new Vector<float>(rowMaxima[(iy * ow + ox)..]);
                    acc = Vector.ConditionalSelect(Vector.GreaterThan(v, acc), v, acc);
                }
                acc.CopyTo(output[ox..]);
            }
            for (; ox < ow; ox++)
            {
                float acc = rowMaxima[first * ow + ox];
                for (int iy = first + 1; iy < end; iy++) if (rowMaxima[iy * ow + ox] > acc) acc = rowMaxima[iy * ow + ox];
                output[ox] = acc;
            }
        }
    }

    /// <summary>GlobalAveragePool / GlobalMaxPool over every spatial dim; output keeps them as size 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Global(OpContext ctx, bool isMax)
    {
        var x = ctx.Input(0);
        if (x.Rank < 3) throw ctx.Fail($"expects a rank 3 or more input, got {ShapeMath.Format(x.Shape)}");
        int planes = x.Shape[0] * x.Shape[1];
        int size = ShapeMath.Product(x.Shape.AsSpan(2));
        var xs = x.AsFloats();
        var y = new float[planes];
        for (int p = 0; p < planes; p++)
        {
            var span = xs.AsSpan(p * size, size);
            if (isMax)
            {
                float m = float.NegativeInfinity;
                foreach (var v in span) m = MathF.Max(m, v);
                y[p] = m;
            }
            else
            {
                double s = 0;
                foreach (var v in span) s += v;
                y[p] = (float)(s / size);
            }
        }
        var shape = new int[x.Rank];
        Array.Fill(shape, 1);
        shape[0] = x.Shape[0];
        shape[1] = x.Shape[1];
        return new Tensor(shape, y);
    }
}
