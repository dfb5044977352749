using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// Erf, Sqrt, Pow and GELU: the pieces PyTorch writes LayerNorm and GELU out of (the passes usually
/// recognize the whole pattern; these kernels run whatever is left, and are the float oracle).
/// </summary>
internal static class MathKernels
{
    public static Tensor Erf(OpContext ctx) =>
        ElementwiseKernels.Map(ctx.Input(0), v => (float)EdgeCnn.Quantization.Erf.Evaluate(v));

    public static Tensor Sqrt(OpContext ctx) => ElementwiseKernels.Map(ctx.Input(0), MathF.Sqrt);

    /// <summary>Pow with numpy broadcasting; float32 results (x^2 of LayerNorm's variance is exact).</summary>
    public static Tensor Pow(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
            ?? throw ctx.Fail($"cannot broadcast shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)}");
        var mapA = ShapeMath.BroadcastIndexMap(a.Shape, shape);
        var mapB = ShapeMath.BroadcastIndexMap(b.Shape, shape);
        var fa = a.AsFloats();
        var fb = b.AsFloats();
        var r = new float[mapA.Length];
        for (int i = 0; i < r.Length; i++) r[i] = MathF.Pow(fa[mapA[i]], fb[mapB[i]]);
        return new Tensor(shape, r);
    }

    /// <summary>GELU (opset 20): exact x/2 (1 + erf(x / sqrt 2)), or the tanh approximation.</summary>
    public static Tensor Gelu(OpContext ctx)
    {
        string approximate = ctx.Node.GetString("approximate", "none");
        return approximate switch
        {
            "none" => ElementwiseKernels.Map(ctx.Input(0), GeluExact),
            "tanh" => ElementwiseKernels.Map(ctx.Input(0), v =>
                0.5f * v * (1f + MathF.Tanh(MathF.Sqrt(2f / MathF.PI) * (v + 0.044715f * v * v * v)))),
            _ => throw ctx.Fail($"approximate '{approximate}' is not supported (none, tanh)"),
        };
    }

    public static float GeluExact(float v) => (float)(0.5 * v * (1.0 + EdgeCnn.Quantization.Erf.Evaluate(v / Math.Sqrt(2.0))));
}
