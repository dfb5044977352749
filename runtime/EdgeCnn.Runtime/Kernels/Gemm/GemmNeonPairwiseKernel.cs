using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// The table row of <see cref="GemmNeonPairwise4x4{TSimd, TPairs}"/>: packs the weights once, notes whether
/// they contain a channel with -128 at reduction positions i and 8 + i of one 16-value group (where two
/// (-128) * (-128) products overflow their shared int16 lane), and runs such layers with separate products.
/// Real models never take the slower path: symmetric weight quantization stops at -127.
/// </summary>
internal sealed unsafe class GemmNeonPairwiseKernel<TSimd> : GemmKernel where TSimd : struct, IArmSimd
{
    private readonly GemmKernel<GemmNeonPairwise4x4<TSimd, PairedProducts>> _paired;
    private readonly GemmKernel<GemmNeonPairwise4x4<TSimd, SeparateProducts>> _separate;

    public GemmNeonPairwiseKernel(KernelInfo info) : base(info)
    {
        _paired = new(info);
        _separate = new(info);
    }

    public override GemmLayout Layout => _paired.Layout;

    public override PackedGemmWeights Pack(ReadOnlySpan<sbyte> weights, int n, int k, ReadOnlySpan<int> bias,
        ReadOnlySpan<float> multipliers, int inZp, int outZp, int qmin, int qmax) =>
        new(Layout, weights, n, k, bias, multipliers, inZp, outZp, qmin, qmax) { NeedsExactFallback = HasMinPair(weights, n, k) };

    public override void Run(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch)
    {
        if (w.NeedsExactFallback)
            _separate.Run(rows, m, w, mTileBegin, mTileEnd, nTileBegin, nTileEnd, output, outputStride, scratch);
        else
            _paired.Run(rows, m, w, mTileBegin, mTileEnd, nTileBegin, nTileEnd, output, outputStride, scratch);
    }

    /// <summary>Whether some channel has w[16g + i] = w[16g + 8 + i] = -128 (i &lt; 8, within K).</summary>
    internal static bool HasMinPair(ReadOnlySpan<sbyte> weights, int n, int k)
    {
        for (int j = 0; j < n; j++)
        {
            var row = weights.Slice(j * k, k);
            for (int i = 0; i + 8 < k; i++)
                if ((i & 8) == 0 && row[i] == sbyte.MinValue && row[i + 8] == sbyte.MinValue) return true;
        }
        return false;
    }
}
