using System.Runtime.CompilerServices;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.FirstLayer;

/// <summary>
/// First-layer weights for Conv_Int8_AvxVnni_FirstLayer_6x16: per block of 16 output channels, per
/// window row kh and per group of 4 reduction values of that row (RowK / 4 groups), 16 channels x 4 int8
/// (channel c's four weights in int32 lane c, the order vpdpbusd multiplies them in). Channels past OutC
/// and values past KernelW * InC in a row are zero. The bias folds the activation flip and the zero
/// point: the kernel multiplies x ^ 0x80 = x + 128 (as uint8) for every tap, padding taps reading zp, so
/// bias' = bias - (zp + 128) * sum(w).
/// </summary>
internal sealed unsafe class FirstLayerAvxVnniWeights
{
    public const int Channels = 16;
    private readonly sbyte[] _weights;
    private readonly int[] _bias;
    private readonly float[] _multipliers;

    public FirstLayerAvxVnniWeights(ReadOnlySpan<sbyte> ohwi, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers, in ConvGeometry g, int inZp, int rowK)
    {
        int row = g.KernelW * g.InC, outC = g.OutC;
        Blocks = (outC + Channels - 1) / Channels;
        GroupsPerRow = rowK / 4;
        int groups = g.KernelH * GroupsPerRow;
        _weights = GC.AllocateArray<sbyte>(Blocks * groups * Channels * 4, pinned: true);
        _bias = GC.AllocateArray<int>(Blocks * Channels, pinned: true);
        _multipliers = GC.AllocateArray<float>(Blocks * Channels, pinned: true);
        for (int oc = 0; oc < outC; oc++)
        {
            int block = oc / Channels, lane = oc % Channels, sum = 0;
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int k = 0; k < row; k++)
                {
                    sbyte w = ohwi[(oc * g.KernelH + kh) * row + k];
                    sum += w;
                    int group = kh * GroupsPerRow + k / 4;
                    _weights[((block * groups + group) * Channels + lane) * 4 + k % 4] = w;
                }
            _bias[oc] = (bias.IsEmpty ? 0 : bias[oc]) - (inZp + 128) * sum;
            _multipliers[oc] = multipliers[oc];
        }
    }

    /// <summary>Blocks of 16 output channels (the last one zero-padded).</summary>
    public int Blocks { get; }

    /// <summary>Groups of 4 reduction values per window row.</summary>
    public int GroupsPerRow { get; }

    /// <summary>Weights of channel block b: KernelH * GroupsPerRow groups of 64 bytes.</summary>
    public sbyte* Weights(int block, int kernelH) => (sbyte*)Unsafe.AsPointer(ref _weights[0]) + (nint)block * kernelH * GroupsPerRow * Channels * 4;

    public int* Bias(int block) => (int*)Unsafe.AsPointer(ref _bias[0]) + Channels * block;

    public float* Multipliers(int block) => (float*)Unsafe.AsPointer(ref _multipliers[0]) + Channels * block;
}
