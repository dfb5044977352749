using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Gemm_Int8_Neon_4x4c16 adds two int8 products in one int16 lane. The only sum that does not fit is
/// 2 * (-128) * (-128); these tests build it on purpose and check that the kernel notices the weights
/// and stays exact, while the paired instructions alone would not be.
/// </summary>
public class PairwiseGemmTests
{
    private const string Name = "Gemm_Int8_Neon_4x4c16";

    [Fact]
    public void MinusOneTwentyEightPairsAreFoundOnlyAtPositionsIAndIPlusEight()
    {
        var w = new sbyte[2 * 40];
        w[40 + 17] = sbyte.MinValue;
        w[40 + 25] = sbyte.MinValue; // group 1, lanes 1 and 9 of channel 1
        Assert.True(GemmNeonPairwiseKernel<EmulatedNeonSimd>.HasMinPair(w, 2, 40));
        w[40 + 25] = 0;
        w[40 + 18] = sbyte.MinValue; // lanes 1 and 2: different int16 lanes
        w[40 + 33] = sbyte.MinValue; // lane 1 of group 2: a different group
        Assert.False(GemmNeonPairwiseKernel<EmulatedNeonSimd>.HasMinPair(w, 2, 40));
    }

    [Fact]
    public void OverflowingPairsRunExactlyThroughSeparateProducts()
    {
        var c = AllMinusOneTwentyEight();
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == Name);
        Assert.Equal(c.Expected(), KernelRunner.Gemm(kernel, c));

        // The paired instance on the same weights wraps 32768 to -32768: the check above is needed.
        var paired = new GemmKernel<GemmNeonPairwise4x4<EmulatedNeonSimd, PairedProducts>>(kernel.Info);
        Assert.NotEqual(c.Expected(), KernelRunner.Gemm(paired, c));
    }

    [Fact]
    public void PortableInstructionsGiveTheSameBitsAsTheEmulation()
    {
        var info = KernelTable.Gemm.Single(k => k.Info.Name == Name).Info;
        var portable = new GemmNeonPairwiseKernel<PortableSimd>(info);
        foreach (var c in ShapeMatrix.Gemm(small: true).Append(AllMinusOneTwentyEight()))
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Gemm(portable, c)), $"portable {Name} differs from the reference on {c}");
    }

    [Fact]
    public void ChunksAndTaskRectanglesCoverEveryOutputExactly()
    {
        // K = 520 gives 2112-byte panels: 124 row tiles per 256 KiB chunk, so the 131 row tiles of 523 rows
        // take 2 chunks; the last row tile has 3 rows and the last column tile 2 channels.
        var c = ConvCase.Create("chunks", 11, 1, 1, 523, 520, 10, 1);
        var info = KernelTable.Gemm.Single(k => k.Info.Name == Name).Info;
        var kernel = new GemmNeonPairwiseKernel<PortableSimd>(info);
        var expected = c.Expected();
        Assert.Equal(expected, KernelRunner.Gemm(kernel, c));

        // The same product as tasks: rows [0, 57) x columns [0, 2) and the three other rectangles.
        var g = c.Geometry;
        var q = c.Quantization;
        int m = g.OutW, n = g.OutC, k = g.InC;
        var packed = kernel.Pack(c.Weights, n, k, c.Bias, c.Multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
        var output = new sbyte[expected.Length];
        var scratch = new byte[kernel.ScratchBytes(k, m)];
        unsafe
        {
            fixed (sbyte* input = c.Input)
            fixed (sbyte* o = output)
            fixed (byte* s = scratch)
            {
                var rows = GemmRows.Convolution(input, g, q.InZp);
                int mTiles = kernel.MTiles(m), nTiles = packed.NTiles;
                foreach (var (m0, m1, n0, n1) in new[] { (0, 57, 0, 2), (57, mTiles, 0, 2), (0, 57, 2, nTiles), (57, mTiles, 2, nTiles) })
                    kernel.Run(rows, m, packed, m0, m1, n0, n1, o, n, s);
            }
        }
        Assert.Equal(expected, output);
    }

    /// <summary>1x1 convolution, K = 40 (two full groups and a tail), every input and weight -128, zero points 0.</summary>
    private static ConvCase AllMinusOneTwentyEight()
    {
        var shape = ConvCase.Create("all -128", 7, 1, 3, 3, 40, 6, 1);
        return new ConvCase
        {
            Name = "all -128 " + shape.Name,
            Geometry = shape.Geometry,
            Quantization = new ConvQuantization(0, 0, -128, 127),
            Input = Enumerable.Repeat(sbyte.MinValue, shape.Input.Length).ToArray(),
            Weights = Enumerable.Repeat(sbyte.MinValue, shape.Weights.Length).ToArray(),
            Bias = new int[6],
            // 40 * 16384 = 655360 maps to 80; one wrapped lane pair moves the sum by 65536 (8 steps).
            Multipliers = Enumerable.Repeat(1f / 8192, 6).ToArray(),
            IsDepthwise = false,
        };
    }
}
