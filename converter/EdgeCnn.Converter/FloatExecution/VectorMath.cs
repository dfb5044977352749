using System.Numerics;
using System.Runtime.InteropServices;
using EdgeCnn.Converter.Graph;
using System.Runtime.CompilerServices;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>Inner loops of the float executor, vectorized with Vector&lt;float&gt;.</summary>
internal static class VectorMath
{
    /// <summary>y[i] += a * x[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd(Span<float> y, ReadOnlySpan<float> x, float a)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<float>.Count)
        {
            var va = new Vector<float>(a);
            var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(x[..y.Length]);
            for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
            i = vy.Length * Vector<float>.Count;
        }
        for (; i < y.Length; i++) y[i] += a * x[i];
    }

    /// <summary>Sum of a[i] * b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
            for (int v = 0; v < va.Length; v++) acc += va[v] * vb[v];
            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// A fused activation's clamp max(min(x, Max), Min) into a new tensor, element for element what
    /// <see cref="FusedActivation.Apply"/> gives: Vector.Min and Vector.Max follow IEEE 754 minimum and
    /// maximum (NaN propagates, -0 &lt; +0) like MathF.Min and MathF.Max.
    /// </summary>
    public static Tensor Clamp(Tensor x, FusedActivation activation)
    {
        var src = x.AsFloats();
        var result = GC.AllocateUninitializedArray<float>(src.Length);
        Clamp(src, result, activation);
        return new Tensor((int[])x.Shape.Clone(), result);
    }

    /// <summary>The same clamp over an array the caller owns, where it lies.</summary>
    public static void ClampInPlace(float[] values, FusedActivation activation) => Clamp(values, values, activation);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Clamp(float[] src, float[] result, FusedActivation activation)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lo = new Vector<float>(activation.Min);
            var hi = new Vector<float>(activation.Max);
            for (; i <= src.Length - Vector<float>.Count; i += Vector<float>.Count)
                Vector.Max(Vector.Min(new Vector<float>(src, i), hi), lo).CopyTo(result, i);
        }
        for (; i < src.Length; i++) result[i] = activation.Apply(src[i]);
    }

    /// <summary>result[i] = a[i] op b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Combine<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result) where TOp : struct, IBinaryFloatOp
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b[..a.Length]);
            var vr = MemoryMarshal.Cast<float, Vector<float>>(result[..a.Length]);
            for (int v = 0; v < va.Length; v++) vr[v] = TOp.Apply(va[v], vb[v]);
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++) result[i] = TOp.Apply(a[i], b[i]);
    }
}

/// <summary>One arithmetic operation on scalars and vectors (System.Numerics.Tensors' operator-struct idea).</summary>
internal interface IBinaryFloatOp
{
    static abstract float Apply(float a, float b);
    static abstract Vector<float> Apply(Vector<float> a, Vector<float> b);
}

internal readonly struct AddOp : IBinaryFloatOp
{
    public static float Apply(float a, float b) => a + b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a + b;
}

internal readonly struct SubtractOp : IBinaryFloatOp
{
    public static float Apply(float a, float b) => a - b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a - b;
}

internal readonly struct MultiplyOp : IBinaryFloatOp
{
    public static float Apply(float a, float b) => a * b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b;
}

internal readonly struct DivideOp : IBinaryFloatOp
{
    public static float Apply(float a, float b) => a / b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a / b;
}
