using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>Arithmetic with numpy broadcasting (Add, Sub, Mul, Div, Sum, PRelu) and the pointwise activations.</summary>
internal static class ElementwiseKernels
{
    public static Tensor Binary(OpContext ctx, char op) => Binary(ctx, ctx.Input(0), ctx.Input(1), op);

    public static Tensor Binary(OpContext ctx, Tensor a, Tensor b, char op)
    {
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
            ?? throw ctx.Fail($"cannot broadcast shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)}");
        if (a.IsFloating && b.IsFloating && a.Shape.AsSpan().SequenceEqual(b.Shape))
            return new Tensor(shape, SameShape(a.Floats!, b.Floats!, op, ctx.UninitializedFloats(a.Floats!.Length))); // residual adds: no index maps
        var mapA = ShapeMath.BroadcastIndexMap(a.Shape, shape);
        var mapB = ShapeMath.BroadcastIndexMap(b.Shape, shape);
        int n = mapA.Length;
        if (!a.IsFloating && !b.IsFloating)
        {
            // Integer arithmetic: the shape computations PyTorch exports (sizes, indices).
            var x = a.Int64s!;
            var y = b.Int64s!;
            var r = new long[n];
            for (int i = 0; i < n; i++)
            {
                long u = x[mapA[i]], v = y[mapB[i]];
                r[i] = op switch
                {
                    '+' => u + v,
                    '-' => u - v,
                    '*' => u * v,
                    _ => v == 0 ? throw ctx.Fail("integer division by zero") : u / v,
                };
            }
            return new Tensor(shape, r, a.ElementType);
        }
        var fa = a.AsFloats();
        var fb = b.AsFloats();
        var result = new float[n];
        switch (op)
        {
            case '+': for (int i = 0; i < n; i++) result[i] = fa[mapA[i]] + fb[mapB[i]]; break;
            case '-': for (int i = 0; i < n; i++) result[i] = fa[mapA[i]] - fb[mapB[i]]; break;
            case '*': for (int i = 0; i < n; i++) result[i] = fa[mapA[i]] * fb[mapB[i]]; break;
            default: for (int i = 0; i < n; i++) result[i] = fa[mapA[i]] / fb[mapB[i]]; break;
        }
        return new Tensor(shape, result);
    }

    /// <summary>a[i] op b[i] for operands of one shape (the same IEEE operation per element as the broadcast loop).</summary>
    private static float[] SameShape(float[] a, float[] b, char op, float[] result)
    {
        switch (op)
        {
            case '+': VectorMath.Combine<AddOp>(a, b, result); break;
            case '-': VectorMath.Combine<SubtractOp>(a, b, result); break;
            case '*': VectorMath.Combine<MultiplyOp>(a, b, result); break;
            default: VectorMath.Combine<DivideOp>(a, b, result); break;
        }
        return result;
    }

    /// <summary>Sum: element-wise sum of one or more inputs, broadcasting them all together.</summary>
    public static Tensor Sum(OpContext ctx)
    {
        var acc = ctx.Input(0);
        if (ctx.InputCount == 1) return new Tensor((int[])acc.Shape.Clone(), (float[])acc.AsFloats().Clone());
        for (int i = 1; i < ctx.InputCount; i++) acc = Binary(ctx, acc, ctx.Input(i), '+');
        return acc;
    }

    /// <summary>PRelu: x &lt; 0 ? slope * x : x, the slope broadcast onto x.</summary>
    public static Tensor PRelu(OpContext ctx)
    {
        var x = ctx.Input(0);
        var slope = ctx.Input(1);
        var shape = ShapeMath.Broadcast(x.Shape, slope.Shape)
            ?? throw ctx.Fail($"slope shape {ShapeMath.Format(slope.Shape)} does not broadcast to {ShapeMath.Format(x.Shape)}");
        var mapX = ShapeMath.BroadcastIndexMap(x.Shape, shape);
        var mapS = ShapeMath.BroadcastIndexMap(slope.Shape, shape);
        var fx = x.AsFloats();
        var fs = slope.AsFloats();
        var r = new float[mapX.Length];
        for (int i = 0; i < r.Length; i++)
        {
            float v = fx[mapX[i]];
            r[i] = v < 0 ? fs[mapS[i]] * v : v;
        }
        return new Tensor(shape, r);
    }

    /// <summary>Clip: bounds are attributes before opset 11, optional inputs from 11 on.</summary>
    public static Tensor Clip(OpContext ctx)
    {
        float min, max;
        if (ctx.Opset < 11)
        {
            min = ctx.Node.GetFloat("min", float.MinValue);
            max = ctx.Node.GetFloat("max", float.MaxValue);
        }
        else
        {
            min = ctx.OptionalInput(1) is { } lo ? lo.AsFloats()[0] : float.NegativeInfinity;
            max = ctx.OptionalInput(2) is { } hi ? hi.AsFloats()[0] : float.PositiveInfinity;
        }
        // min(max(x, lo), hi): when min > max every element becomes max, as ONNX specifies.
        return Map(ctx.Input(0), x => MathF.Min(MathF.Max(x, min), max));
    }

    public static Tensor Unary(OpContext ctx)
    {
        var node = ctx.Node;
        var x = ctx.Input(0);
        switch (node.OpType)
        {
            case "Relu": return Map(x, v => v > 0 ? v : 0f);
            case "Sigmoid": return Map(x, Sigmoid);
            case "Tanh": return Map(x, MathF.Tanh);
            case "LeakyRelu":
            {
                float alpha = node.GetFloat("alpha", 0.01f);
                return Map(x, v => v >= 0 ? v : alpha * v);
            }
            case "Elu":
            {
                float alpha = node.GetFloat("alpha", 1f);
                return Map(x, v => v >= 0 ? v : alpha * (MathF.Exp(v) - 1f));
            }
            case "Selu":
            {
                float alpha = node.GetFloat("alpha", 1.67326319217681884765625f);
                float gamma = node.GetFloat("gamma", 1.05070102214813232421875f);
                return Map(x, v => v > 0 ? gamma * v : gamma * (alpha * MathF.Exp(v) - alpha));
            }
            case "HardSigmoid":
            {
                float alpha = node.GetFloat("alpha", 0.2f);
                float beta = node.GetFloat("beta", 0.5f);
                return Map(x, v => MathF.Max(0f, MathF.Min(1f, alpha * v + beta)));
            }
            case "HardSwish": return Map(x, v => v * MathF.Max(0f, MathF.Min(1f, v / 6f + 0.5f)));
            case "Softplus": return Map(x, Softplus);
            default: throw ctx.Fail("is not a pointwise activation");
        }
    }

    public static float Sigmoid(float v) => v >= 0 ? 1f / (1f + MathF.Exp(-v)) : MathF.Exp(v) / (1f + MathF.Exp(v));

    /// <summary>log(1 + e^x) without overflow for large x.</summary>
    public static float Softplus(float v) => v > 0 ? v + MathF.Log(1f + MathF.Exp(-v)) : MathF.Log(1f + MathF.Exp(v));

    public static Tensor Map(Tensor x, Func<float, float> f)
    {
        var src = x.AsFloats();
        var r = new float[src.Length];
        for (int i = 0; i < r.Length; i++) r[i] = f(src[i]);
        return new Tensor((int[])x.Shape.Clone(), r);
    }
}
