using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// The float GEMM microkernel: a tile of <see cref="Rows"/> x <see cref="Columns"/> outputs accumulated
/// over K from packed panels (A as [K][Rows], B as [K][Columns]), one fused multiply-add per product.
/// Every output is the same chain c = fma(a[p], b[p], c) for p = 0..K-1 on either vector width, so the
/// Vector512 and Vector256 kernels give bit-identical results; only the width of a tile row differs.
/// The loops are leaves (no calls) so the twelve accumulators stay in registers.
/// </summary>
internal static class FloatGemmKernel
{
    public const int Rows = 6;

    /// <summary>Columns per tile: two vectors of the widest accelerated width.</summary>
    public static int Columns => Vector512.IsHardwareAccelerated ? 32 : 16;

    /// <summary>tile[r * Columns + j] += sum over p of a[p * Rows + r] * b[p * Columns + j].</summary>
    public static void Accumulate(int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> tile)
    {
        if (a.Length < k * Rows || b.Length < k * Columns || tile.Length < Rows * Columns)
            throw new ArgumentException("panel or tile too short for the microkernel");
        if (Columns == 32) Accumulate512(k, ref Unsafe.AsRef(in a[0]), ref Unsafe.AsRef(in b[0]), ref tile[0]);
        else Accumulate256(k, ref Unsafe.AsRef(in a[0]), ref Unsafe.AsRef(in b[0]), ref tile[0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Accumulate512(int k, ref float a, ref float b, ref float c)
    {
        const int n = 32, w = 16;
        var c00 = Vector512.LoadUnsafe(ref c, 0 * n); var c01 = Vector512.LoadUnsafe(ref c, 0 * n + w);
        var c10 = Vector512.LoadUnsafe(ref c, 1 * n); var c11 = Vector512.LoadUnsafe(ref c, 1 * n + w);
        var c20 = Vector512.LoadUnsafe(ref c, 2 * n); var c21 = Vector512.LoadUnsafe(ref c, 2 * n + w);
        var c30 = Vector512.LoadUnsafe(ref c, 3 * n); var c31 = Vector512.LoadUnsafe(ref c, 3 * n + w);
        var c40 = Vector512.LoadUnsafe(ref c, 4 * n); var c41 = Vector512.LoadUnsafe(ref c, 4 * n + w);
        var c50 = Vector512.LoadUnsafe(ref c, 5 * n); var c51 = Vector512.LoadUnsafe(ref c, 5 * n + w);
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
            b = ref Unsafe.Add(ref b, n);
        }
        c00.StoreUnsafe(ref c, 0 * n); c01.StoreUnsafe(ref c, 0 * n + w);
        c10.StoreUnsafe(ref c, 1 * n); c11.StoreUnsafe(ref c, 1 * n + w);
        c20.StoreUnsafe(ref c, 2 * n); c21.StoreUnsafe(ref c, 2 * n + w);
        c30.StoreUnsafe(ref c, 3 * n); c31.StoreUnsafe(ref c, 3 * n + w);
        c40.StoreUnsafe(ref c, 4 * n); c41.StoreUnsafe(ref c, 4 * n + w);
        c50.StoreUnsafe(ref c, 5 * n); c51.StoreUnsafe(ref c, 5 * n + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Accumulate256(int k, ref float a, ref float b, ref float c)
    {
        const int n = 16, w = 8;
        var c00 = Vector256.LoadUnsafe(ref c, 0 * n); var c01 = Vector256.LoadUnsafe(ref c, 0 * n + w);
        var c10 = Vector256.LoadUnsafe(ref c, 1 * n); var c11 = Vector256.LoadUnsafe(ref c, 1 * n + w);
        var c20 = Vector256.LoadUnsafe(ref c, 2 * n); var c21 = Vector256.LoadUnsafe(ref c, 2 * n + w);
        var c30 = Vector256.LoadUnsafe(ref c, 3 * n); var c31 = Vector256.LoadUnsafe(ref c, 3 * n + w);
        var c40 = Vector256.LoadUnsafe(ref c, 4 * n); var c41 = Vector256.LoadUnsafe(ref c, 4 * n + w);
        var c50 = Vector256.LoadUnsafe(ref c, 5 * n); var c51 = Vector256.LoadUnsafe(ref c, 5 * n + w);
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
            b = ref Unsafe.Add(ref b, n);
        }
        c00.StoreUnsafe(ref c, 0 * n); c01.StoreUnsafe(ref c, 0 * n + w);
        c10.StoreUnsafe(ref c, 1 * n); c11.StoreUnsafe(ref c, 1 * n + w);
        c20.StoreUnsafe(ref c, 2 * n); c21.StoreUnsafe(ref c, 2 * n + w);
        c30.StoreUnsafe(ref c, 3 * n); c31.StoreUnsafe(ref c, 3 * n + w);
        c40.StoreUnsafe(ref c, 4 * n); c41.StoreUnsafe(ref c, 4 * n + w);
        c50.StoreUnsafe(ref c, 5 * n); c51.StoreUnsafe(ref c, 5 * n + w);
    }
}
