using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Quantization;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The AVX2 epilogue (upper clamp in float, vcvtps2dq, saturating packs, byte clamp) equals
/// QuantMath.Requantize on accumulators and multipliers that push values far past int16 and int32,
/// where its saturating steps act; the kernel tests do not reach those values.
/// </summary>
public unsafe class EpilogueTests
{
    [Fact]
    public void Avx2EpilogueEqualsRequantizeOnExtremeValues()
    {
        if (!Avx2.IsSupported) return; // the epilogue is only used by AVX2 / AVX-VNNI kernels
        var random = new Random(77);
        var accs = new int[] { 0, 1, -1, 2, -2, 3, 127, 128, -128, -129, 255, -255, 32767, -32768, 40000, -40000, int.MaxValue, int.MinValue, 1 << 30, -(1 << 30) }
            .Concat(Enumerable.Range(0, 300).Select(_ => random.Next(int.MinValue, int.MaxValue))).ToArray();
        var multipliers = new[] { 0.5f, 1f, 1.5f, 2.5f, 1e-3f, 1e-9f, 7.3e3f, 1e30f };
        var m = stackalloc float[16];
        var output = stackalloc sbyte[16];
        foreach (var (zp, qmin, qmax) in new[] { (0, -128, 127), (-128, -128, 127), (127, -128, 127), (5, 5, 127), (-3, -3, 40), (100, 90, 110) })
        {
            var q = new Requantization(zp, qmin, qmax);
            for (int start = 0; start < accs.Length; start += 16)
            {
                var acc = new int[16];
                for (int i = 0; i < 16; i++)
                {
                    acc[i] = accs[(start + i) % accs.Length];
                    m[i] = multipliers[(start / 16 + i) % multipliers.Length];
                }
                var epilogue = new Epilogue256(m, q);
                epilogue.Store(Vector256.Create(acc.AsSpan(0, 8)), Vector256.Create(acc.AsSpan(8, 8)), output);
                for (int i = 0; i < 16; i++)
                    Assert.True(QuantMath.Requantize(acc[i], m[i], zp, qmin, qmax) == output[i],
                        $"acc {acc[i]} x {m[i]} zp {zp} clamp [{qmin}, {qmax}]: expected {QuantMath.Requantize(acc[i], m[i], zp, qmin, qmax)}, got {output[i]}");
            }
        }
    }

    /// <summary>
    /// A layer whose accumulators provably keep |acc * m| below 2^30 skips the float upper clamp (and,
    /// without a fused activation, the byte clamp): the saturating steps must then give the same bytes,
    /// here for values up to 2^30, far past int16 and int8.
    /// </summary>
    [Fact]
    public void Avx2EpilogueWithoutClampsEqualsRequantizeWithinTheProvenBound()
    {
        if (!Avx2.IsSupported) return;
        var random = new Random(78);
        var m = stackalloc float[16];
        var output = stackalloc sbyte[16];
        foreach (var (zp, qmin, qmax) in new[] { (0, -128, 127), (-128, -128, 127), (127, -128, 127), (5, 5, 127), (-3, -3, 40) })
        {
            var q = new Requantization(zp, qmin, qmax) { NoConversionOverflow = true };
            for (int round = 0; round < 200; round++)
            {
                var acc = new int[16];
                for (int i = 0; i < 16; i++)
                {
                    acc[i] = random.Next(int.MinValue, int.MaxValue);
                    // |acc * m| < 2^30 always; half the lanes land within a few hundred of zero.
                    m[i] = i % 2 == 0 ? 0.49f * random.NextSingle() : 1e-6f * random.NextSingle();
                }
                new Epilogue256(m, q).Store(Vector256.Create(acc.AsSpan(0, 8)), Vector256.Create(acc.AsSpan(8, 8)), output);
                for (int i = 0; i < 16; i++)
                    Assert.True(QuantMath.Requantize(acc[i], m[i], zp, qmin, qmax) == output[i],
                        $"acc {acc[i]} x {m[i]} zp {zp} clamp [{qmin}, {qmax}] without clamps: expected {QuantMath.Requantize(acc[i], m[i], zp, qmin, qmax)}, got {output[i]}");
            }
        }
    }

    [Fact]
    public void ConversionOverflowBoundFollowsBiasMultiplierAndReduction()
    {
        Assert.True(Requantization.ConversionCannotOverflow([1000, -5000], [1e-3f, 2e-4f], 4608));
        Assert.True(Requantization.ConversionCannotOverflow([], [0.4f], 9)); // no bias: 9 * 255 * 127 * 0.4
        Assert.False(Requantization.ConversionCannotOverflow([], [0.6f], 1 << 20)); // 2^31 * 0.6 > 2^30
        Assert.False(Requantization.ConversionCannotOverflow([int.MaxValue], [1f], 1));
        Assert.False(Requantization.ConversionCannotOverflow([0], [float.NaN], 1));
        Assert.False(new Requantization(0, -128, 127).NoConversionOverflow); // clamps unless proven
        Assert.False(new Requantization(0, -128, 127).ClampsBytes);
        Assert.True(new Requantization(-128, -128, 127).ClampsBytes == false && new Requantization(-5, -5, 127).ClampsBytes);
    }

    /// <summary>
    /// The two-row store of the swapped-quads layout: accumulator lanes at packed positions p hold channel
    /// PackedChannel(p); both rows come out in channel order and equal QuantMath.Requantize, with and
    /// without the clamps, on extreme values.
    /// </summary>
    [Fact]
    public void Avx2PairedEpilogueEqualsRequantizeInChannelOrder()
    {
        if (!Avx2.IsSupported) return;
        var layout = GemmAvxVnni6x16.Layout;
        Assert.True(layout.SwapMiddleQuads);
        var random = new Random(79);
        var m = stackalloc float[16]; // packed order
        var out0 = stackalloc sbyte[16];
        var out1 = stackalloc sbyte[16];
        var multipliers = new[] { 0.5f, 1f, 1.5f, 1e-3f, 1e-9f, 7.3e3f, 1e30f, 0.37f };
        foreach (var (zp, qmin, qmax) in new[] { (0, -128, 127), (5, 5, 127), (-3, -3, 40) })
            foreach (bool proven in new[] { false, true })
            {
                var q = new Requantization(zp, qmin, qmax) { NoConversionOverflow = proven };
                for (int round = 0; round < 100; round++)
                {
                    var acc = new int[2, 16]; // [row, packed position]
                    for (int p = 0; p < 16; p++)
                    {
                        m[p] = proven ? 1e-6f * random.NextSingle() : multipliers[random.Next(multipliers.Length)];
                        acc[0, p] = random.Next(int.MinValue, int.MaxValue);
                        acc[1, p] = random.Next(-100000, 100000);
                    }
                    Vector256<int> Lanes(int row, int first) => Vector256.Create(acc[row, first], acc[row, first + 1], acc[row, first + 2], acc[row, first + 3],
                        acc[row, first + 4], acc[row, first + 5], acc[row, first + 6], acc[row, first + 7]);
                    new Epilogue256(m, q).StorePair(Lanes(0, 0), Lanes(0, 8), Lanes(1, 0), Lanes(1, 8), out0, out1);
                    for (int p = 0; p < 16; p++)
                    {
                        int ch = layout.PackedChannel(p);
                        Assert.Equal(QuantMath.Requantize(acc[0, p], m[p], zp, qmin, qmax), out0[ch]);
                        Assert.Equal(QuantMath.Requantize(acc[1, p], m[p], zp, qmin, qmax), out1[ch]);
                    }
                }
            }
    }
}
