using EdgeCnn.Converter.Graph;
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
