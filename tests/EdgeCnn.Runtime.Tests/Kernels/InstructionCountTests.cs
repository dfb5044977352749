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
    [InlineData("Gemm_Int8_NeonDotDirect_8x8", 16.0)]
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
        var kernel = KernelTable.EmulatedDepthwise.Single(k => k.Info.Name == "DwConv_Int8_Neon_8c");
        var c = ConvCase.Create("dw", 5, 1, 6, 6, 32, 32, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        KernelRunner.Depthwise(kernel, c);
        long macs = ValidTapMacs(c);
        Assert.Equal(4.0, (double)macs / counts.Smlal, 6);
        Assert.Equal(counts.Smlal / 2, counts.Ssubl);
        output.WriteLine($"{kernel.Info.Name}: {(double)macs / counts.Smlal:F2} MACs per SMLAL, {counts.Ssubl} SSUBL");
    }

    /// <summary>
    /// Without padding DwConv3x3_Int8_Neon_8c issues, per output pixel and 8-channel block, 9 SSUBL (one
    /// per tap) and 18 SMLAL/SMLAL2 doing 4 useful MACs each, at stride 1 and 2, plus the 6 conversion and
    /// narrowing steps of its output stage (FCVTNS x2, SQXTN, SQXTN2, SQADD, SQXTN).
    /// </summary>
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 11)]
    public void Depthwise3x3NeonCountsPerPixel(int stride, int width)
    {
        var kernel = KernelTable.EmulatedDepthwise.Single(k => k.Info.Name == "DwConv3x3_Int8_Neon_8c");
        var c = ConvCase.Create("dw interior", 6, 1, 7, width, 16, 16, 3, stride: stride, depthwise: true);
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        KernelRunner.Depthwise(kernel, c);
        var g = c.Geometry;
        long pixelBlocks = (long)g.OutH * g.OutW * (g.OutC / 8);
        Assert.Equal(4.0, (double)ValidTapMacs(c) / counts.Smlal, 6);
        Assert.Equal(9 * pixelBlocks, counts.Ssubl);
        Assert.Equal(6 * pixelBlocks, counts.Other);
    }

    /// <summary>
    /// M = 12 with 8-row tiles: the SDOT GEMM runs the last 4 rows on its 4x8 tile, 8 SDOT per reduction
    /// group instead of 16, exact like every other tile.
    /// </summary>
    [Fact]
    public void SdotGemmRunsTheLastFourRowsOnAHalfTile()
    {
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == "Gemm_Int8_NeonDot_8x8");
        var c = ConvCase.Create("M 12", 8, 1, 1, 12, 32, 8, 1); // K = 32: 8 groups, one column tile
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Gemm(kernel, c)));
        Assert.Equal(8 * 16 + 8 * 8, counts.Sdot);
    }

    /// <summary>The direct SDOT GEMM on M = 12 (K = 32): 16 SDOT per group for rows 0-7, 8 for the last 4 rows.</summary>
    [Fact]
    public void DirectSdotGemmRunsTheLastFourRowsOnAHalfTile()
    {
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == "Gemm_Int8_NeonDotDirect_8x8");
        var c = ConvCase.Create("M 12", 8, 1, 1, 12, 32, 8, 1);
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Gemm(kernel, c)));
        Assert.Equal(8 * 16 + 8 * 8, counts.Sdot);
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
