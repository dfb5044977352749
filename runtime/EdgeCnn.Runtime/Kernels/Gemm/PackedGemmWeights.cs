using System.Runtime.CompilerServices;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Weights of one layer packed for one microkernel layout, once per model and shared by its sessions:
/// B in the layout's order, the bias with the activation zero point folded in, and the multipliers,
/// both padded to whole NR tiles. The arrays are pinned, so kernels address them by pointer.
/// <para>
/// Folding: bias[n] + sum_k (x_k - zp) * w[n,k] = (bias[n] - (zp + flip) * sum_k w[n,k]) + sum_k (x_k + flip) * w[n,k],
/// with flip = 128 when activations are stored as uint8 x ^ 0x80 = x + 128, else 0. int32 arithmetic
/// wraps like the reference accumulator, so the regrouping gives the same bits.
/// </para>
/// </summary>
internal sealed unsafe class PackedGemmWeights
{
    private readonly byte[] _b;
    private readonly int[] _bias;
    private readonly float[] _multipliers;

    public PackedGemmWeights(GemmLayout layout, ReadOnlySpan<sbyte> weights, int n, int k, ReadOnlySpan<int> bias,
        ReadOnlySpan<float> multipliers, int inZp, int outZp, int qmin, int qmax)
    {
        if (n <= 0 || k <= 0) throw new ArgumentException($"GEMM sizes must be positive, got N {n}, K {k}");
        Reference.Check.Length(weights, (long)n * k, nameof(weights));
        Reference.Check.Bias(bias, n);
        Reference.Check.Multipliers(multipliers, n);
        new Reference.ConvQuantization(inZp, outZp, qmin, qmax).Validate();
        Layout = layout;
        N = n;
        K = k;
        KGroups = layout.KGroups(k);
        NTiles = layout.NTiles(n);
        Requantization = new Requantization(outZp, qmin, qmax)
        {
            NoConversionOverflow = Requantization.ConversionCannotOverflow(bias, multipliers, k),
        };

        int padded = NTiles * layout.NR;
        _b = GC.AllocateArray<byte>(checked(NTiles * layout.TileBytes(k)) + 64, pinned: true);
        _bias = GC.AllocateArray<int>(padded, pinned: true);
        _multipliers = GC.AllocateArray<float>(padded, pinned: true);
        int fold = inZp + (layout.FlipActivations ? 128 : 0);
        for (int j = 0; j < n; j++)
        {
            int sum = 0;
            for (int i = 0; i < k; i++) sum += weights[j * k + i];
            _bias[layout.PackedChannel(j)] = (bias.IsEmpty ? 0 : bias[j]) - fold * sum;
            _multipliers[layout.PackedChannel(j)] = multipliers[j];
        }
        PackB(layout, weights, n, k);
    }

    public GemmLayout Layout { get; }
    public int N { get; }
    public int K { get; }
    public int KGroups { get; }
    public int NTiles { get; }
    public Requantization Requantization { get; }

    /// <summary>
    /// Set by a kernel whose fast path is exact only for some weights (see <see cref="GemmNeonPairwiseKernel{TSimd}"/>)
    /// when these weights need its always-exact path.
    /// </summary>
    public bool NeedsExactFallback { get; init; }

    /// <summary>Packed B, 64-byte aligned.</summary>
    public byte* B => (byte*)Unsafe.AsPointer(ref _b[0]) + Padding;
    public int* Bias => (int*)Unsafe.AsPointer(ref _bias[0]);
    public float* Multipliers => (float*)Unsafe.AsPointer(ref _multipliers[0]);
    public int TileBytes => Layout.TileBytes(K);

    private int Padding => (int)((64 - ((nint)Unsafe.AsPointer(ref _b[0]) & 63)) & 63);

    private void PackB(GemmLayout layout, ReadOnlySpan<sbyte> weights, int n, int k)
    {
        int nr = layout.NR, kg = layout.KGroup;
        var b = _b.AsSpan(Padding);
        int index = 0;
        for (int t = 0; t < NTiles; t++)
        for (int g = 0; g < KGroups; g++)
        for (int j = 0; j < nr; j++)
        for (int e = 0; e < kg; e++)
        {
            int row = t * nr + layout.PackedChannel(j), col = g * kg + e;
            sbyte w = row < n && col < k ? weights[row * k + col] : (sbyte)0;
            if (layout.ElementBytes == 1)
            {
                b[index++] = (byte)w;
            }
            else
            {
                short wide = w;
                b[index++] = (byte)wide;
                b[index++] = (byte)(wide >> 8);
            }
        }
    }
}
