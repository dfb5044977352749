using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Elementwise;

/// <summary>
/// Add_Int8_Avx2_32 and Mul_Int8_Avx2_32: the element-wise Add and Mul of <see cref="BinaryVector128"/>
/// (same formulas, same bits) with 8 int32 lanes per instruction. Each group of 8 inputs is one
/// sign-extending load (vpmovsxbd ymm, m64) instead of two widening steps, and four results are narrowed
/// by two saturating packs and one cross-lane permute. When the <c>bIsScalar</c> argument holds, b is one
/// value applied to every element (a tensor of shape [1,1,1,1]), and its term is computed once.
/// </summary>
internal static unsafe class BinaryAvx2
{
    public static bool IsSupported => Avx2.IsSupported;

    public static void Add(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in AddQuantization q)
    {
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        var lo = Vector256.Create(r.Lo);
        var hi = Vector256.Create(r.Hi);
        var magic = Vector256.Create(r.MagicMinusZp);
        var aZp = Vector256.Create(q.AZp);
        var bZp = Vector256.Create(q.BZp);
        var ma = Vector256.Create(q.AMultiplier);
        var mb = Vector256.Create(q.BMultiplier);
        var scalarTerm = Vector256.Create((float)(*b - q.BZp) * q.BMultiplier);
        int i = 0;
        for (; i <= count - 32; i += 32)
        {
            var r0 = AddTerms(a + i, b + i, bIsScalar, scalarTerm, aZp, bZp, ma, mb, lo, hi, magic);
            var r1 = AddTerms(a + i + 8, b + i + 8, bIsScalar, scalarTerm, aZp, bZp, ma, mb, lo, hi, magic);
            var r2 = AddTerms(a + i + 16, b + i + 16, bIsScalar, scalarTerm, aZp, bZp, ma, mb, lo, hi, magic);
            var r3 = AddTerms(a + i + 24, b + i + 24, bIsScalar, scalarTerm, aZp, bZp, ma, mb, lo, hi, magic);
            Narrow(r0, r1, r2, r3).Store(output + i);
        }
        for (; i < count; i++) output[i] = q.Apply(a[i], bIsScalar ? *b : b[i]);
    }

    public static void Mul(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in MulQuantization q)
    {
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        var lo = Vector256.Create(r.Lo);
        var hi = Vector256.Create(r.Hi);
        var magic = Vector256.Create(r.MagicMinusZp);
        var aZp = Vector256.Create(q.AZp);
        var bZp = Vector256.Create(q.BZp);
        var m = Vector256.Create(q.Multiplier);
        var scalarB = Vector256.Create(*b - q.BZp);
        int i = 0;
        for (; i <= count - 32; i += 32)
        {
            var r0 = Requantization.Apply(Product(a + i, b + i, bIsScalar, scalarB, aZp, bZp), m, lo, hi, magic);
            var r1 = Requantization.Apply(Product(a + i + 8, b + i + 8, bIsScalar, scalarB, aZp, bZp), m, lo, hi, magic);
            var r2 = Requantization.Apply(Product(a + i + 16, b + i + 16, bIsScalar, scalarB, aZp, bZp), m, lo, hi, magic);
            var r3 = Requantization.Apply(Product(a + i + 24, b + i + 24, bIsScalar, scalarB, aZp, bZp), m, lo, hi, magic);
            Narrow(r0, r1, r2, r3).Store(output + i);
        }
        for (; i < count; i++) output[i] = q.Apply(a[i], bIsScalar ? *b : b[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> AddTerms(sbyte* a, sbyte* b, bool bIsScalar, Vector256<float> scalarTerm, Vector256<int> aZp,
        Vector256<int> bZp, Vector256<float> ma, Vector256<float> mb, Vector256<float> lo, Vector256<float> hi, Vector256<int> magic)
    {
        var ta = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(a) - aZp) * ma;
        var tb = bIsScalar ? scalarTerm : Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(b) - bZp) * mb;
        var v = Avx.Min(Avx.Max(ta + tb, lo), hi);
        return (v + Vector256.Create(Requantization.Magic)).AsInt32() - magic;
    }

    /// <summary>(a - aZp) * (b - bZp) in int32: both factors lie in [-255, 255], so the product is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Product(sbyte* a, sbyte* b, bool bIsScalar, Vector256<int> scalarB, Vector256<int> aZp, Vector256<int> bZp) =>
        (Avx2.ConvertToVector256Int32(a) - aZp) * (bIsScalar ? scalarB : Avx2.ConvertToVector256Int32(b) - bZp);

    /// <summary>Four 8-lane int32 vectors already in [-128, 127] to 32 bytes in element order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Narrow(Vector256<int> r0, Vector256<int> r1, Vector256<int> r2, Vector256<int> r3)
    {
        // Per 128-bit lane the packs interleave 4-element quarters: [r0 0-3, r1 0-3, r2 0-3, r3 0-3 | r0 4-7, ...].
        var bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(r0, r1), Avx2.PackSignedSaturate(r2, r3));
        return Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsSByte();
    }
}
