using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Useful int8 multiply-accumulates per multiply instruction the NEON kernels issue, counted by the
/// emulation: 16 per SDOT (4 lanes x 4 products) and 4 per SMLAL (4 lanes) when tiles are full; tails
/// (rows, channels and reduction groups padded to the tile) lower the figure, and it is reported.
/// </summary>
public class InstructionCountTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Gemm_Int8_NeonDot_8x8", 16.0)]
    [InlineData("Gemm_Int8_Neon_8x8", 4.0)]
    public void FullTilesReachTheIdealMacsPerInstruction(string name, double ideal)
    {
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == name);
        var full = ConvCase.Create("full tiles", 1, 1, 4, 8, 64, 32, 1); // M = 32, N = 32, K = 64
        Assert.Equal(ideal, MacsPerInstruction(kernel, full), 6);

        foreach (var c in new[]
        {
            ConvCase.Create("mobilenet-like 1x1", 2, 1, 7, 7, 24, 40, 1),
            ConvCase.Create("first layer 3x3 s2", 3, 1, 15, 15, 3, 16, 3, stride: 2, padTop: 1, padLeft: 1),
            ConvCase.Create("fully connected", 4, 1, 1, 1, 100, 10, 1),
        })
            output.WriteLine($"{name} {c.Name}: {MacsPerInstruction(kernel, c):F2} useful MACs per multiply instruction (ideal {ideal})");
    }

    [Fact]
    public void PairwiseGemmIssuesSixteenMacsPerThreeInstructionsOnFullTiles()
    {
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == "Gemm_Int8_Neon_4x4c16");
        var full = ConvCase.Create("full tiles", 1, 1, 4, 8, 64, 32, 1); // M = 32, N = 32, K = 64
        Assert.False(GemmNeonPairwiseKernel<EmulatedNeonSimd>.HasMinPair(full.Weights, 32, 64));
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        KernelRunner.Gemm(kernel, full);
        long macs = 32L * 32 * 64;
        // SMULL + SMLAL (16 products into 8 int16 lanes) and one SADALP per 16 MACs.
        Assert.Equal(macs / 8, counts.Smull);
        Assert.Equal(macs / 16, counts.Sadalp);
        Assert.Equal(0, counts.Smlal);
    }

    [Fact]
    public void DepthwiseNeonIssuesFourMacsPerSmlal()
    {
        var kernel = KernelTable.EmulatedDepthwise.Single();
        var c = ConvCase.Create("dw", 5, 1, 6, 6, 32, 32, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        KernelRunner.Depthwise(kernel, c);
        long macs = ValidTapMacs(c);
        Assert.Equal(4.0, (double)macs / counts.Smlal, 6);
        Assert.Equal(counts.Smlal / 2, counts.Ssubl);
        output.WriteLine($"{kernel.Info.Name}: {(double)macs / counts.Smlal:F2} MACs per SMLAL, {counts.Ssubl} SSUBL");
    }

    private static double MacsPerInstruction(EdgeCnn.Kernels.Gemm.GemmKernel kernel, ConvCase c)
    {
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        KernelRunner.Gemm(kernel, c);
        var g = c.Geometry;
        long macs = (long)g.N * g.OutH * g.OutW * g.OutC * g.KernelH * g.KernelW * g.InC;
        return (double)macs / (counts.Sdot + counts.Smlal);
    }

    private static long ValidTapMacs(ConvCase c)
    {
        var g = c.Geometry;
        long taps = 0;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
                for (int kh = 0; kh < g.KernelH; kh++)
                    for (int kw = 0; kw < g.KernelW; kw++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh, iw = ow * g.StrideW - g.PadLeft + kw;
                        if (ih >= 0 && ih < g.InH && iw >= 0 && iw < g.InW) taps++;
                    }
        return taps * g.OutC * g.N;
    }
}
