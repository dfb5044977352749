using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Elementwise;

/// <summary>
/// Add_Int8_Vector128_16 and Mul_Int8_Vector128_16: element-wise Add and Mul of two int8 tensors of the
/// same shape (the residual connection and the squeeze-and-excitation scale), 16 elements per step in
/// portable Vector128 code (SSE on x86, NEON on ARM64), the rest with the reference formula.
/// Add computes (float)(a - aZp) * mA + (float)(b - bZp) * mB: two multiplies and one add, no FMA
/// (the JIT never contracts separate vector operations), then clamp and round half to even.
/// Mul computes the exact int32 product (a - aZp) * (b - bZp) and requantizes it.
/// When <c>bIsScalar</c> holds, b is one value applied to every element (a [1,1,1,1] tensor).
/// </summary>
internal static unsafe class BinaryVector128
{
    public static void Add(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in AddQuantization q)
    {
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        var aZp = Vector128.Create(q.AZp);
        var bZp = Vector128.Create(q.BZp);
        var ma = Vector128.Create(q.AMultiplier);
        var mb = Vector128.Create(q.BMultiplier);
        int i = 0;
        for (; i <= count - 16; i += 16)
        {
            var va = Vector128.Load(a + i);
            var vb = bIsScalar ? Vector128.Create(*b) : Vector128.Load(b + i);
            var (a0, a1, a2, a3) = Widen(va);
            var (b0, b1, b2, b3) = Widen(vb);
            var r0 = AddTerms(a0, b0, aZp, bZp, ma, mb, lo, hi, magic);
            var r1 = AddTerms(a1, b1, aZp, bZp, ma, mb, lo, hi, magic);
            var r2 = AddTerms(a2, b2, aZp, bZp, ma, mb, lo, hi, magic);
            var r3 = AddTerms(a3, b3, aZp, bZp, ma, mb, lo, hi, magic);
            Requantization.Narrow(r0, r1, r2, r3).Store(output + i);
        }
        for (; i < count; i++) output[i] = q.Apply(a[i], bIsScalar ? *b : b[i]);
    }

    public static void Mul(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in MulQuantization q)
    {
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        var aZp = Vector128.Create(q.AZp);
        var bZp = Vector128.Create(q.BZp);
        var m = Vector128.Create(q.Multiplier);
        int i = 0;
        for (; i <= count - 16; i += 16)
        {
            var (a0, a1, a2, a3) = Widen(Vector128.Load(a + i));
            var (b0, b1, b2, b3) = Widen(bIsScalar ? Vector128.Create(*b) : Vector128.Load(b + i));
            var r0 = Requantization.Apply((a0 - aZp) * (b0 - bZp), m, lo, hi, magic);
            var r1 = Requantization.Apply((a1 - aZp) * (b1 - bZp), m, lo, hi, magic);
            var r2 = Requantization.Apply((a2 - aZp) * (b2 - bZp), m, lo, hi, magic);
            var r3 = Requantization.Apply((a3 - aZp) * (b3 - bZp), m, lo, hi, magic);
            Requantization.Narrow(r0, r1, r2, r3).Store(output + i);
        }
        for (; i < count; i++) output[i] = q.Apply(a[i], bIsScalar ? *b : b[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> AddTerms(Vector128<int> a, Vector128<int> b, Vector128<int> aZp, Vector128<int> bZp,
        Vector128<float> ma, Vector128<float> mb, Vector128<float> lo, Vector128<float> hi, Vector128<int> magic)
    {
        var ta = Vector128.ConvertToSingle(a - aZp) * ma;
        var tb = Vector128.ConvertToSingle(b - bZp) * mb;
        var v = Vector128.MinNative(Vector128.MaxNative(ta + tb, lo), hi);
        return (v + Vector128.Create(Requantization.Magic)).AsInt32() - magic;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector128<int>, Vector128<int>, Vector128<int>, Vector128<int>) Widen(Vector128<sbyte> v)
    {
        var lo = Vector128.WidenLower(v);
        var hi = Vector128.WidenUpper(v);
        return (Vector128.WidenLower(lo), Vector128.WidenUpper(lo), Vector128.WidenLower(hi), Vector128.WidenUpper(hi));
    }
}
