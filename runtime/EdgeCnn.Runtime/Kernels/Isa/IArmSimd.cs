using System.Diagnostics.CodeAnalysis;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Kernels.Isa;

/// <summary>
/// The Arm AdvSimd / Dp instructions the NEON kernels use, behind a static-abstract interface so one
/// generic kernel runs with the real instructions (<see cref="NeonSimd"/>, on ARM64), with an exact
/// emulation of their Arm definitions (<see cref="EmulatedNeonSimd"/>, anywhere, counting instructions),
/// or with portable Vector128 code (<see cref="PortableSimd"/>). Each member names its A64 instruction.
/// </summary>
internal interface IArmSimd
{
    /// <summary>SSUBL: r[i] = (int16)a[i] - (int16)b[i], i &lt; 8.</summary>
    static abstract Vector128<short> SubtractWideningLower(Vector64<sbyte> a, Vector64<sbyte> b);

    /// <summary>SMLAL: r[i] = acc[i] + (int32)a[i] * (int32)b[i], i &lt; 4.</summary>
    static abstract Vector128<int> MultiplyWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector64<short> b);

    /// <summary>SMLAL2: r[i] = acc[i] + (int32)a[4 + i] * (int32)b[4 + i], i &lt; 4.</summary>
    static abstract Vector128<int> MultiplyWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b);

    /// <summary>SMLAL (by element): r[i] = acc[i] + (int32)a[i] * (int32)b[lane], i &lt; 4, lane &lt; 8.</summary>
    static abstract Vector128<int> MultiplyBySelectedScalarWideningLowerAndAdd(Vector128<int> acc, Vector64<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane);

    /// <summary>SMLAL2 (by element): r[i] = acc[i] + (int32)a[4 + i] * (int32)b[lane], i &lt; 4, lane &lt; 8.</summary>
    static abstract Vector128<int> MultiplyBySelectedScalarWideningUpperAndAdd(Vector128<int> acc, Vector128<short> a, Vector128<short> b, [ConstantExpected(Max = (byte)7)] byte lane);

    /// <summary>FCVTNS: r[i] = float a[i] rounded to the nearest integer, ties to even, saturated to int32 (NaN gives 0).</summary>
    static abstract Vector128<int> ConvertToInt32RoundToEven(Vector128<float> a);

    /// <summary>SQXTN then SQXTN2: r[i] = saturate_int16(lo[i]), r[4 + i] = saturate_int16(hi[i]), i &lt; 4.</summary>
    static abstract Vector128<short> NarrowSaturate(Vector128<int> lo, Vector128<int> hi);

    /// <summary>SQADD: r[i] = saturate_int16(a[i] + b[i]), i &lt; 8.</summary>
    static abstract Vector128<short> AddSaturate(Vector128<short> a, Vector128<short> b);

    /// <summary>SQXTN: r[i] = saturate_int8(a[i]), i &lt; 8.</summary>
    static abstract Vector64<sbyte> NarrowSaturate(Vector128<short> a);

    /// <summary>TBL (two registers): r[i] = t[idx[i]] for idx[i] &lt; 32 where t = t0:t1 (t0 bytes 0-15), else 0; i &lt; 16.</summary>
    static abstract Vector128<sbyte> VectorTableLookup2(Vector128<sbyte> t0, Vector128<sbyte> t1, Vector128<byte> idx);

    /// <summary>SMULL (8-bit): r[i] = (int16)a[i] * (int16)b[i], i &lt; 8. |r| &lt;= 16384, always exact.</summary>
    static abstract Vector128<short> MultiplyWideningLower(Vector64<sbyte> a, Vector64<sbyte> b);

    /// <summary>SMLAL (8-bit): r[i] = acc[i] + (int16)a[i] * (int16)b[i], i &lt; 8, wrapping modulo 2^16.</summary>
    static abstract Vector128<short> MultiplyWideningLowerAndAdd(Vector128<short> acc, Vector64<sbyte> a, Vector64<sbyte> b);

    /// <summary>SADALP (16 to 32 bits): r[i] = acc[i] + (int32)a[2i] + (int32)a[2i + 1], i &lt; 4.</summary>
    static abstract Vector128<int> AddPairwiseWideningAndAdd(Vector128<int> acc, Vector128<short> a);

    /// <summary>SADDLP (16 to 32 bits): r[i] = (int32)a[2i] + (int32)a[2i + 1], i &lt; 4.</summary>
    static abstract Vector128<int> AddPairwiseWidening(Vector128<short> a);

    /// <summary>ADDP (32-bit): r = [a0 + a1, a2 + a3, b0 + b1, b2 + b3], wrapping.</summary>
    static abstract Vector128<int> AddPairwise(Vector128<int> a, Vector128<int> b);

    /// <summary>SQXTN + SQXTN2 (16 to 8 bits): [sat8(lower[0..7]), sat8(upper[0..7])].</summary>
    static abstract Vector128<sbyte> NarrowSaturate(Vector128<short> lower, Vector128<short> upper);

    /// <summary>ST1 (one 32-bit lane): *p = v[lane].</summary>
    static abstract unsafe void StoreLane(uint* p, Vector128<uint> v, [ConstantExpected(Max = (byte)3)] byte lane);

    /// <summary>SDOT (by element): r[i] = acc[i] + sum_{j &lt; 4} (int32)a[4i + j] * (int32)b[4 lane + j], i &lt; 4, lane &lt; 4.</summary>
    static abstract Vector128<int> DotProductBySelectedQuadruplet(Vector128<int> acc, Vector128<sbyte> a, Vector128<sbyte> b, [ConstantExpected(Max = (byte)3)] byte lane);
}
