using EdgeCnn.Kernels.Depthwise;
using EdgeCnn.Kernels.FirstLayer;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels;

/// <summary>
/// The one list of kernels. Each operation's rows are in preference order (fastest first); dispatch at
/// load picks the first row whose ISA the CPU supports, the exactness tests run every row this process
/// can execute, and the benchmarks time every row. The NEON rows also exist instantiated with the exact
/// instruction emulation (<see cref="EmulatedGemm"/>, <see cref="EmulatedDepthwise"/>) so their code is
/// tested on machines without ARM64.
/// </summary>
internal static class KernelTable
{
    public static readonly IReadOnlyList<GemmKernel> Gemm =
    [
        new GemmNeonDotDirect8x8<NeonSimd>(new("Gemm_Int8_NeonDotDirect_8x8", KernelOp.Gemm, KernelIsa.NeonDot, 8, 8, 4)),
        new GemmKernel<GemmNeonDot8x8<NeonSimd>>(new("Gemm_Int8_NeonDot_8x8", KernelOp.Gemm, KernelIsa.NeonDot, 8, 8, 4)),
        new GemmNeonPairwiseKernel<NeonSimd>(new("Gemm_Int8_Neon_4x4c16", KernelOp.Gemm, KernelIsa.Neon, 4, 4, 16)),
        new GemmKernel<GemmNeon8x8<NeonSimd>>(new("Gemm_Int8_Neon_8x8", KernelOp.Gemm, KernelIsa.Neon, 8, 8, 1)),
        new GemmKernel<GemmAvxVnni6x16>(new("Gemm_Int8_AvxVnni_6x16", KernelOp.Gemm, KernelIsa.AvxVnni, 6, 16, 4)),
        new GemmKernel<GemmAvx512BW8x32>(new("Gemm_Int8_Avx512BW_8x32", KernelOp.Gemm, KernelIsa.Avx512BW, 8, 32, 2)),
        new GemmKernel<GemmAvx2_6x16>(new("Gemm_Int8_Avx2_6x16", KernelOp.Gemm, KernelIsa.Avx2, 6, 16, 2)),
        new GemmKernel<GemmNeon8x8<PortableSimd>>(new("Gemm_Int8_Vector128_8x8", KernelOp.Gemm, KernelIsa.Vector128, 8, 8, 1)),
    ];

    private static readonly DepthwiseKernel Avx512Depthwise3x3 =
        new Depthwise3x3Avx512_32c(new("DwConv3x3_Int8_Avx512BW_32c", KernelOp.DepthwiseConv, KernelIsa.Avx512BW, 1, 32, 2));

    private static readonly DepthwiseKernel Vector256Depthwise =
        new DepthwiseVector256_16c(new("DwConv_Int8_Vector256_16c", KernelOp.DepthwiseConv, KernelIsa.Vector256, 1, 16, 1));

    public static readonly IReadOnlyList<DepthwiseKernel> Depthwise =
    [
        new Depthwise3x3Neon8c<NeonSimd>(new("DwConv3x3_Int8_Neon_8c", KernelOp.DepthwiseConv, KernelIsa.Neon, 1, 8, 1)),
        new DepthwiseNeon8c<NeonSimd>(new("DwConv_Int8_Neon_8c", KernelOp.DepthwiseConv, KernelIsa.Neon, 1, 8, 1)),
        // Shapes the window-row kernel does not take go to the best row below it that this CPU runs.
        new Depthwise3x3AvxVnni32c(new("DwConv3x3_Int8_AvxVnni_32c", KernelOp.DepthwiseConv, KernelIsa.AvxVnni, 1, 32, 4),
            IsaSupport.IsSupported(KernelIsa.Avx512BW) ? Avx512Depthwise3x3 : Vector256Depthwise),
        Avx512Depthwise3x3,
        new DepthwiseAvx512_32c(new("DwConv_Int8_Avx512BW_32c", KernelOp.DepthwiseConv, KernelIsa.Avx512BW, 1, 32, 1)),
        Vector256Depthwise,
        new DepthwiseNeon8c<PortableSimd>(new("DwConv_Int8_Vector128_8c", KernelOp.DepthwiseConv, KernelIsa.Vector128, 1, 8, 1)),
    ];

    /// <summary>
    /// First layers (at most 4 input channels): the NEON GEMM microkernels fed by a direct gather; on x86
    /// a vpdpbusd kernel that broadcasts its activations straight from the input.
    /// </summary>
    public static readonly IReadOnlyList<FirstLayerKernel> FirstLayer =
    [
        new FirstLayerKernel<GemmNeonDot8x8<NeonSimd>, NeonSimd>(FirstLayerRow<GemmNeonDot8x8<NeonSimd>>("Conv_Int8_NeonDot_FirstLayer", KernelIsa.NeonDot)),
        new FirstLayerKernel<GemmNeon8x8<NeonSimd>, NeonSimd>(FirstLayerRow<GemmNeon8x8<NeonSimd>>("Conv_Int8_Neon_FirstLayer", KernelIsa.Neon)),
        new FirstLayerAvxVnni6x16(new("Conv_Int8_AvxVnni_FirstLayer_6x16", KernelOp.FirstLayerConv, KernelIsa.AvxVnni, 6, 16, 4)),
    ];

    /// <summary>A first-layer row takes its tile from the GEMM microkernel it feeds.</summary>
    private static KernelInfo FirstLayerRow<TKernel>(string name, KernelIsa isa) where TKernel : struct, IGemmMicrokernel =>
        new($"{name}_{TKernel.Layout.MR}x{TKernel.Layout.NR}", KernelOp.FirstLayerConv, isa, TKernel.Layout.MR, TKernel.Layout.NR, TKernel.Layout.KGroup);

    /// <summary>The first-layer rows with every Arm instruction emulated.</summary>
    public static readonly IReadOnlyList<FirstLayerKernel> EmulatedFirstLayer =
    [
        new FirstLayerKernel<GemmNeonDot8x8<EmulatedNeonSimd>, EmulatedNeonSimd>(FirstLayer[0].Info),
        new FirstLayerKernel<GemmNeon8x8<EmulatedNeonSimd>, EmulatedNeonSimd>(FirstLayer[1].Info),
    ];

    /// <summary>The first-layer kernel this CPU runs for a convolution, or null (the GEMM path).</summary>
    public static FirstLayerKernel? BestFirstLayer(in Reference.ConvGeometry g) =>
        FirstLayerKernel.Applies(g) ? FirstLayer.FirstOrDefault(k => k.Info.IsSupported) : null;

    /// <summary>
    /// Element-wise and pooling kernels: AVX2 for Add and Mul, then portable Vector128 code (NEON on ARM64,
    /// SSE on x86), 16 or 32 channels or elements per step. Dispatch takes the first row the CPU supports.
    /// </summary>
    public static readonly IReadOnlyList<KernelInfo> Pointwise =
    [
        new("Add_Int8_Avx2_32", KernelOp.Add, KernelIsa.Avx2, 1, 32, 1),
        new("Mul_Int8_Avx2_32", KernelOp.Mul, KernelIsa.Avx2, 1, 32, 1),
        new("Add_Int8_Vector128_16", KernelOp.Add, KernelIsa.Vector128, 1, 16, 1),
        new("Mul_Int8_Vector128_16", KernelOp.Mul, KernelIsa.Vector128, 1, 16, 1),
        new("MaxPool_Int8_Vector128_16", KernelOp.MaxPool, KernelIsa.Vector128, 1, 16, 1),
        new("AvgPool_Int8_Vector128_16", KernelOp.AvgPool, KernelIsa.Vector128, 1, 16, 1),
        new("GlobalAvgPool_Int8_Vector128_16", KernelOp.GlobalAvgPool, KernelIsa.Vector128, 1, 16, 1),
        new("LayerNorm_Int8_Vector128_16", KernelOp.LayerNorm, KernelIsa.Vector128, 1, 16, 1),
        new("L2Norm_Int8_Vector128_16", KernelOp.L2Norm, KernelIsa.Vector128, 1, 16, 1),
    ];

    /// <summary>The pointwise row for an operation when this CPU runs it, else null (reference).</summary>
    public static KernelInfo? BestPointwise(KernelOp op) => Pointwise.FirstOrDefault(k => k.Op == op && k.IsSupported);

    /// <summary>The NEON GEMM rows with every Arm instruction emulated (same names, same tiles).</summary>
    public static readonly IReadOnlyList<GemmKernel> EmulatedGemm =
    [
        new GemmNeonDotDirect8x8<EmulatedNeonSimd>(Row(Gemm, "Gemm_Int8_NeonDotDirect_8x8")),
        new GemmKernel<GemmNeonDot8x8<EmulatedNeonSimd>>(Row(Gemm, "Gemm_Int8_NeonDot_8x8")),
        new GemmNeonPairwiseKernel<EmulatedNeonSimd>(Row(Gemm, "Gemm_Int8_Neon_4x4c16")),
        new GemmKernel<GemmNeon8x8<EmulatedNeonSimd>>(Row(Gemm, "Gemm_Int8_Neon_8x8")),
    ];

    private static KernelInfo Row(IReadOnlyList<GemmKernel> kernels, string name) => kernels.Single(k => k.Info.Name == name).Info;

    /// <summary>The NEON depthwise rows with every Arm instruction emulated.</summary>
    public static readonly IReadOnlyList<DepthwiseKernel> EmulatedDepthwise =
    [
        new Depthwise3x3Neon8c<EmulatedNeonSimd>(Depthwise[0].Info),
        new DepthwiseNeon8c<EmulatedNeonSimd>(Depthwise[1].Info),
    ];

    /// <summary>Every row: name, operation, ISA, tile.</summary>
    public static IEnumerable<KernelInfo> All =>
        Gemm.Select(k => k.Info).Concat(Depthwise.Select(k => k.Info)).Concat(FirstLayer.Select(k => k.Info)).Concat(Pointwise);

    /// <summary>The fastest GEMM kernel this CPU runs, or null (scalar reference) when none does.</summary>
    public static GemmKernel? BestGemm() => Gemm.FirstOrDefault(k => k.Info.IsSupported);

    /// <summary>The fastest depthwise kernel this CPU runs, or null (scalar reference) when none does.</summary>
    public static DepthwiseKernel? BestDepthwise() => Depthwise.FirstOrDefault(k => k.Info.IsSupported);
}
