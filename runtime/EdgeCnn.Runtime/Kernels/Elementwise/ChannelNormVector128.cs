using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Elementwise;

/// <summary>
/// LayerNorm_Int8_Vector128_16 and L2Norm_Int8_Vector128_16: the channel-wise work of int8 LayerNorm and
/// L2Norm, 16 channels per step in portable Vector128 code (SSE on x86, NEON on ARM64). The row
/// statistics S and Q are integer sums (exact in any order: int32 lanes cannot overflow for
/// C &lt;= <see cref="ChannelNormQuantization.MaxChannels"/>); the per-row multiplier is computed once by
/// the same scalar code as the reference; the output stage repeats the reference's float operations in
/// the same order (no FMA), so every output is bit-identical to <see cref="LayerNorm"/> / <see cref="L2Norm"/>.
/// </summary>
internal static unsafe class ChannelNormVector128
{
    public static void LayerNorm(sbyte* input, sbyte* output, int rows, ChannelNormQuantization q)
    {
        int c = q.Channels;
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        fixed (float* gain = q.Gain, offset = q.Offset)
        {
            for (int row = 0; row < rows; row++)
            {
                sbyte* x = input + (nint)row * c;
                sbyte* y = output + (nint)row * c;
                var (sum, sumOfSquares) = Statistics(x, c, q.InZp);
                float m = q.LayerNormMultiplier(sum, sumOfSquares);
                LayerNormRow(x, y, (int)sum, m, gain, offset, r, q);
            }
        }
    }

    public static void L2Norm(sbyte* input, sbyte* output, int rows, ChannelNormQuantization q)
    {
        int c = q.Channels;
        var r = new Requantization(q.OutZp, q.QMin, q.QMax);
        for (int row = 0; row < rows; row++)
        {
            sbyte* x = input + (nint)row * c;
            var (_, sumOfSquares) = Statistics(x, c, q.InZp);
            ScaleRow(x, output + (nint)row * c, c, q.InZp, q.L2NormMultiplier(sumOfSquares), r);
        }
    }

    /// <summary>S = sum (x - zp) and Q = sum (x - zp)^2 over one row.</summary>
    private static (long Sum, long SumOfSquares) Statistics(sbyte* x, int count, int zp)
    {
        var vzp = Vector128.Create(zp);
        var s = Vector128<int>.Zero;
        var q = Vector128<int>.Zero;
        int i = 0;
        for (; i <= count - 16; i += 16)
        {
            var (a0, a1, a2, a3) = BinaryVector128.Widen(Vector128.Load(x + i));
            a0 -= vzp; a1 -= vzp; a2 -= vzp; a3 -= vzp;
            s += (a0 + a1) + (a2 + a3);
            q += (a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3);
        }
        long sum = Vector128.Sum(s), sumOfSquares = 0;
        for (int lane = 0; lane < 4; lane++) sumOfSquares += (uint)q.GetElement(lane); // a lane holds at most 4 * 65025 * C / 16 < 2^31
        for (; i < count; i++)
        {
            int d = x[i] - zp;
            sum += d;
            sumOfSquares += d * d;
        }
        return (sum, sumOfSquares);
    }

    private static void LayerNormRow(sbyte* x, sbyte* y, int sum, float m, float* gain, float* offset, in Requantization r, ChannelNormQuantization q)
    {
        int count = q.Channels, zp = q.InZp;
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        var vc = Vector128.Create(count);
        var bias = Vector128.Create(count * zp + sum); // C * (x - zp) - S = C * x - (C * zp + S)
        var vm = Vector128.Create(m);
        int i = 0;
        for (; i <= count - 16; i += 16)
        {
            var (a0, a1, a2, a3) = BinaryVector128.Widen(Vector128.Load(x + i));
            var r0 = Output(a0 * vc - bias, vm, gain + i, offset + i, lo, hi, magic);
            var r1 = Output(a1 * vc - bias, vm, gain + i + 4, offset + i + 4, lo, hi, magic);
            var r2 = Output(a2 * vc - bias, vm, gain + i + 8, offset + i + 8, lo, hi, magic);
            var r3 = Output(a3 * vc - bias, vm, gain + i + 12, offset + i + 12, lo, hi, magic);
            Requantization.Narrow(r0, r1, r2, r3).Store(y + i);
        }
        for (; i < count; i++) y[i] = q.LayerNormOutput(count * (x[i] - zp) - sum, m, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Output(Vector128<int> t, Vector128<float> m, float* gain, float* offset, Vector128<float> lo, Vector128<float> hi, Vector128<int> magic)
    {
        var v = Vector128.ConvertToSingle(t) * m * Vector128.Load(gain) + Vector128.Load(offset);
        v = Vector128.MinNative(Vector128.MaxNative(v, lo), hi);
        return (v + Vector128.Create(Requantization.Magic)).AsInt32() - magic;
    }

    private static void ScaleRow(sbyte* x, sbyte* y, int count, int zp, float m, in Requantization r)
    {
        var lo = Vector128.Create(r.Lo);
        var hi = Vector128.Create(r.Hi);
        var magic = Vector128.Create(r.MagicMinusZp);
        var vzp = Vector128.Create(zp);
        var vm = Vector128.Create(m);
        int i = 0;
        for (; i <= count - 16; i += 16)
        {
            var (a0, a1, a2, a3) = BinaryVector128.Widen(Vector128.Load(x + i));
            Requantization.Narrow(
                Requantization.Apply(a0 - vzp, vm, lo, hi, magic), Requantization.Apply(a1 - vzp, vm, lo, hi, magic),
                Requantization.Apply(a2 - vzp, vm, lo, hi, magic), Requantization.Apply(a3 - vzp, vm, lo, hi, magic)).Store(y + i);
        }
        for (; i < count; i++) y[i] = r.Apply(x[i] - zp, m);
    }
}
