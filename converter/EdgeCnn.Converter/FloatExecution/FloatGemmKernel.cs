using EdgeCnn.Converter.Graph;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// The float GEMM microkernel: a tile of <see cref="Rows"/> x <see cref="Columns"/> outputs accumulated
/// over K from a packed A panel ([K][Rows]) and K rows of <see cref="Columns"/> floats of B, one every
/// ldb floats (a packed panel, or a 1x1 convolution's input read in place), one fused multiply-add per product.
/// Every output is the same chain c = fma(a[p], b[p], c) for p = 0..K-1 on either vector width, so the
/// Vector512 and Vector256 kernels give bit-identical results; only the width of a tile row differs.
/// The loops are leaves (no calls) so the twelve accumulators stay in registers.
/// </summary>
internal static class FloatGemmKernel
{
    public const int Rows = 6;

    /// <summary>Columns per tile: two vectors of the widest accelerated width.</summary>
    public static int Columns => Vector512.IsHardwareAccelerated ? 32 : 16;

    /// <summary>
    /// c[r * ldc + j] = bias[r] + sum over p of a[p * Rows + r] * b[p * ldb + j], for r below
    /// <see cref="Rows"/> and j below <see cref="Columns"/>: a whole tile written straight into the output.
    /// With <paramref name="accumulate"/> the sum continues from c (blocks of K one after another keep
    /// the order of the products, so the result is the same as one pass).
    /// </summary>
    /// <param name="accumulate">Start from the tile's current values instead of the bias (a later block of K).</param>
    /// <param name="activation">A fused clamp max(min(c, Max), Min) applied as the tile is stored (the last block
    /// of K only): the same operations as <see cref="VectorMath.Clamp"/>, without another pass over the output.</param>
    public static void Compute(int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> bias, Span<float> c, int ldc,
        bool accumulate = false, FusedActivation activation = default)
    {
        int cols = Columns;
        if (k < 1 || a.Length < k * Rows || ldb < cols || b.Length < (long)(k - 1) * ldb + cols || bias.Length < Rows || ldc < cols
            || c.Length < (Rows - 1) * ldc + cols)
            throw new ArgumentException("panel, bias or output too short for the microkernel");
        ref float a0 = ref Unsafe.AsRef(in a[0]);
        ref float b0 = ref Unsafe.AsRef(in b[0]);
        ref float bias0 = ref Unsafe.AsRef(in bias[0]);
        bool clamp = !activation.IsNone;
        if (cols == 32) Compute512(k, ref a0, ref b0, ldb, ref bias0, ref c[0], ldc, accumulate, clamp, activation.Min, activation.Max);
        else Compute256(k, ref a0, ref b0, ldb, ref bias0, ref c[0], ldc, accumulate, clamp, activation.Min, activation.Max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute512(int k, ref float a, ref float b, nint ldb, ref float bias, ref float c, nint ldc, bool accumulate,
        bool clamp = false, float lo = 0f, float hi = 0f)
    {
        const int w = 16;
        var c00 = Vector512.Create(Unsafe.Add(ref bias, 0)); var c01 = c00;
        var c10 = Vector512.Create(Unsafe.Add(ref bias, 1)); var c11 = c10;
        var c20 = Vector512.Create(Unsafe.Add(ref bias, 2)); var c21 = c20;
        var c30 = Vector512.Create(Unsafe.Add(ref bias, 3)); var c31 = c30;
        var c40 = Vector512.Create(Unsafe.Add(ref bias, 4)); var c41 = c40;
        var c50 = Vector512.Create(Unsafe.Add(ref bias, 5)); var c51 = c50;
        if (accumulate)
        {
            c00 = Vector512.LoadUnsafe(ref c, (nuint)(0 * ldc)); c01 = Vector512.LoadUnsafe(ref c, (nuint)(0 * ldc + w));
            c10 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc)); c11 = Vector512.LoadUnsafe(ref c, (nuint)(1 * ldc + w));
            c20 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector512.LoadUnsafe(ref c, (nuint)(2 * ldc + w));
            c30 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector512.LoadUnsafe(ref c, (nuint)(3 * ldc + w));
            c40 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc)); c41 = Vector512.LoadUnsafe(ref c, (nuint)(4 * ldc + w));
            c50 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc)); c51 = Vector512.LoadUnsafe(ref c, (nuint)(5 * ldc + w));
        }
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, w);
            var a0 = Vector512.Create(a);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(Unsafe.Add(ref a, 1));
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(Unsafe.Add(ref a, 2));
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20); c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(Unsafe.Add(ref a, 3));
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30); c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(Unsafe.Add(ref a, 4));
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40); c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(Unsafe.Add(ref a, 5));
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50); c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            a = ref Unsafe.Add(ref a, Rows);
            b = ref Unsafe.Add(ref b, ldb);
        }
        if (clamp)
        {
            var vlo = Vector512.Create(lo);
            var vhi = Vector512.Create(hi);
            c00 = Vector512.Max(Vector512.Min(c00, vhi), vlo); c01 = Vector512.Max(Vector512.Min(c01, vhi), vlo);
            c10 = Vector512.Max(Vector512.Min(c10, vhi), vlo); c11 = Vector512.Max(Vector512.Min(c11, vhi), vlo);
            c20 = Vector512.Max(Vector512.Min(c20, vhi), vlo); c21 = Vector512.Max(Vector512.Min(c21, vhi), vlo);
            c30 = Vector512.Max(Vector512.Min(c30, vhi), vlo); c31 = Vector512.Max(Vector512.Min(c31, vhi), vlo);
            c40 = Vector512.Max(Vector512.Min(c40, vhi), vlo); c41 = Vector512.Max(Vector512.Min(c41, vhi), vlo);
            c50 = Vector512.Max(Vector512.Min(c50, vhi), vlo); c51 = Vector512.Max(Vector512.Min(c51, vhi), vlo);
        }
        c00.StoreUnsafe(ref c, (nuint)(0 * ldc)); c01.StoreUnsafe(ref c, (nuint)(0 * ldc + w));
        c10.StoreUnsafe(ref c, (nuint)(1 * ldc)); c11.StoreUnsafe(ref c, (nuint)(1 * ldc + w));
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc + w));
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc + w));
        c40.StoreUnsafe(ref c, (nuint)(4 * ldc)); c41.StoreUnsafe(ref c, (nuint)(4 * ldc + w));
        c50.StoreUnsafe(ref c, (nuint)(5 * ldc)); c51.StoreUnsafe(ref c, (nuint)(5 * ldc + w));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Compute256(int k, ref float a, ref float b, nint ldb, ref float bias, ref float c, nint ldc, bool accumulate,
        bool clamp = false, float lo = 0f, float hi = 0f)
    {
        const int w = 8;
        var c00 = Vector256.Create(Unsafe.Add(ref bias, 0)); var c01 = c00;
        var c10 = Vector256.Create(Unsafe.Add(ref bias, 1)); var c11 = c10;
        var c20 = Vector256.Create(Unsafe.Add(ref bias, 2)); var c21 = c20;
        var c30 = Vector256.Create(Unsafe.Add(ref bias, 3)); var c31 = c30;
        var c40 = Vector256.Create(Unsafe.Add(ref bias, 4)); var c41 = c40;
        var c50 = Vector256.Create(Unsafe.Add(ref bias, 5)); var c51 = c50;
        if (accumulate)
        {
            c00 = Vector256.LoadUnsafe(ref c, (nuint)(0 * ldc)); c01 = Vector256.LoadUnsafe(ref c, (nuint)(0 * ldc + w));
            c10 = Vector256.LoadUnsafe(ref c, (nuint)(1 * ldc)); c11 = Vector256.LoadUnsafe(ref c, (nuint)(1 * ldc + w));
            c20 = Vector256.LoadUnsafe(ref c, (nuint)(2 * ldc)); c21 = Vector256.LoadUnsafe(ref c, (nuint)(2 * ldc + w));
            c30 = Vector256.LoadUnsafe(ref c, (nuint)(3 * ldc)); c31 = Vector256.LoadUnsafe(ref c, (nuint)(3 * ldc + w));
            c40 = Vector256.LoadUnsafe(ref c, (nuint)(4 * ldc)); c41 = Vector256.LoadUnsafe(ref c, (nuint)(4 * ldc + w));
            c50 = Vector256.LoadUnsafe(ref c, (nuint)(5 * ldc)); c51 = Vector256.LoadUnsafe(ref c, (nuint)(5 * ldc + w));
        }
        for (int p = 0; p < k; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, w);
            var a0 = Vector256.Create(a);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00); c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(Unsafe.Add(ref a, 1));
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10); c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(Unsafe.Add(ref a, 2));
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20); c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(Unsafe.Add(ref a, 3));
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30); c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(Unsafe.Add(ref a, 4));
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40); c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(Unsafe.Add(ref a, 5));
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50); c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a = ref Unsafe.Add(ref a, Rows);
            b = ref Unsafe.Add(ref b, ldb);
        }
        if (clamp)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            c00 = Vector256.Max(Vector256.Min(c00, vhi), vlo); c01 = Vector256.Max(Vector256.Min(c01, vhi), vlo);
            c10 = Vector256.Max(Vector256.Min(c10, vhi), vlo); c11 = Vector256.Max(Vector256.Min(c11, vhi), vlo);
            c20 = Vector256.Max(Vector256.Min(c20, vhi), vlo); c21 = Vector256.Max(Vector256.Min(c21, vhi), vlo);
            c30 = Vector256.Max(Vector256.Min(c30, vhi), vlo); c31 = Vector256.Max(Vector256.Min(c31, vhi), vlo);
            c40 = Vector256.Max(Vector256.Min(c40, vhi), vlo); c41 = Vector256.Max(Vector256.Min(c41, vhi), vlo);
            c50 = Vector256.Max(Vector256.Min(c50, vhi), vlo); c51 = Vector256.Max(Vector256.Min(c51, vhi), vlo);
        }
        c00.StoreUnsafe(ref c, (nuint)(0 * ldc)); c01.StoreUnsafe(ref c, (nuint)(0 * ldc + w));
        c10.StoreUnsafe(ref c, (nuint)(1 * ldc)); c11.StoreUnsafe(ref c, (nuint)(1 * ldc + w));
        c20.StoreUnsafe(ref c, (nuint)(2 * ldc)); c21.StoreUnsafe(ref c, (nuint)(2 * ldc + w));
        c30.StoreUnsafe(ref c, (nuint)(3 * ldc)); c31.StoreUnsafe(ref c, (nuint)(3 * ldc + w));
        c40.StoreUnsafe(ref c, (nuint)(4 * ldc)); c41.StoreUnsafe(ref c, (nuint)(4 * ldc + w));
        c50.StoreUnsafe(ref c, (nuint)(5 * ldc)); c51.StoreUnsafe(ref c, (nuint)(5 * ldc + w));
    }
}
