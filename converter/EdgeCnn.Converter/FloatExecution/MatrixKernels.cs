using EdgeCnn.Converter.Graph;
using System.Runtime.CompilerServices;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>Gemm (transA, transB, alpha, beta, broadcast C) and MatMul with numpy semantics.</summary>
internal static class MatrixKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor Gemm(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (a.Rank != 2 || b.Rank != 2) throw ctx.Fail($"expects 2-D A and B, got {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)}");
        bool transA = ctx.Node.GetInt("transA", 0) != 0, transB = ctx.Node.GetInt("transB", 0) != 0;
        float alpha = ctx.Node.GetFloat("alpha", 1f), beta = ctx.Node.GetFloat("beta", 1f);
        int m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb) throw ctx.Fail($"inner dimensions differ: A {ShapeMath.Format(a.Shape)} (transA={transA}), B {ShapeMath.Format(b.Shape)} (transB={transB})");
        var av = a.AsFloats();
        var bv = b.AsFloats();
        var y = new float[m * n];
        if (!transA && transB)
        {
            // Fully connected layers: rows of A against rows of B, both contiguous.
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                y[i * n + j] = alpha * VectorMath.Dot(av.AsSpan(i * k, k), bv.AsSpan(j * k, k));
        }
        else
        {
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int p = 0; p < k; p++)
                    s += av[transA ? p * m + i : i * k + p] * bv[transB ? j * k + p : p * n + j];
                y[i * n + j] = alpha * s;
            }
        }
        if (ctx.OptionalInput(2) is { } c && beta != 0f)
        {
            int[] outShape = [m, n];
            var shape = ShapeMath.Broadcast(outShape, c.Shape);
            if (shape is null || shape[0] != m || shape[1] != n)
                throw ctx.Fail($"C shape {ShapeMath.Format(c.Shape)} does not broadcast to [{m},{n}]");
            var map = ShapeMath.BroadcastIndexMap(c.Shape, outShape);
            var cv = c.AsFloats();
            for (int i = 0; i < y.Length; i++) y[i] += beta * cv[map[i]];
        }
        return new Tensor([m, n], y);
    }

    /// <summary>MatMul: 1-D operands are promoted (and the added dim removed), batch dims broadcast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Tensor MatMul(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        if (a.Rank == 0 || b.Rank == 0) throw ctx.Fail("does not accept scalars");
        int[] aShape = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] bShape = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = aShape[^2], k = aShape[^1], kb = bShape[^2], n = bShape[^1];
        if (k != kb) throw ctx.Fail($"inner dimensions differ: {ShapeMath.Format(a.Shape)} x {ShapeMath.Format(b.Shape)}");
        var batch = ShapeMath.Broadcast(aShape[..^2], bShape[..^2])
            ?? throw ctx.Fail($"batch dims of {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
        var mapA = ShapeMath.BroadcastIndexMap(aShape[..^2], batch);
        var mapB = ShapeMath.BroadcastIndexMap(bShape[..^2], batch);
        var av = a.AsFloats();
        var bv = b.AsFloats();
        int batches = mapA.Length;
        var y = new float[batches * m * n];
        for (int t = 0; t < batches; t++)
        {
            int aBase = mapA[t] * m * k, bBase = mapB[t] * k * n, yBase = t * m * n;
            for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
            {
                float x = av[aBase + i * k + p];
                VectorMath.MultiplyAdd(y.AsSpan(yBase + i * n, n), bv.AsSpan(bBase + p * n, n), x);
            }
        }
        var shape = new List<int>(batch);
        if (a.Rank > 1) shape.Add(m);
        if (b.Rank > 1) shape.Add(n);
        return new Tensor([.. shape], y);
    }
}
