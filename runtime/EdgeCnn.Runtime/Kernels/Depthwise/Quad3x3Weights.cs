using System.Runtime.CompilerServices;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// A 3x3 depthwise layer laid out for vpdpbusd on window rows (DwConv3x3_Int8_AvxVnni_32c): one int32
/// lane multiplies a channel's three weights of one window row (and a zero) by the four bytes
/// (x[iw], x[iw + 1], x[iw + 2], pad) of <see cref="QuadRowRing"/>. Per 32-channel block and window row
/// four 256-bit vectors, in the order the ring's byte and word unpacks leave the channels: vector k,
/// 128-bit lane L, dword i is channel 16L + 4k + i. Bias and multipliers follow the same order. The
/// activations reach vpdpbusd as uint8 (x ^ 0x80 = x + 128) and padding reads the zero point, so the
/// bias is bias - (zp + 128) * sum(w). Channels past C have zero weights, bias and multipliers.
/// </summary>
internal sealed unsafe class Quad3x3Weights
{
    public const int Width = 32;
    private readonly sbyte[] _weights;
    private readonly int[] _bias;
    private readonly float[] _multipliers;

    public Quad3x3Weights(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers, int channels, int inZp)
    {
        Blocks = (channels + Width - 1) / Width;
        _weights = GC.AllocateArray<sbyte>(Math.Max(1, Blocks * 3 * 4 * 32), pinned: true);
        _bias = GC.AllocateArray<int>(Math.Max(1, Blocks * Width), pinned: true);
        _multipliers = GC.AllocateArray<float>(Math.Max(1, Blocks * Width), pinned: true);
        for (int b = 0; b < Blocks; b++)
            for (int k = 0; k < 4; k++)
                for (int lane = 0; lane < 2; lane++)
                    for (int i = 0; i < 4; i++)
                    {
                        int ch = Width * b + 16 * lane + 4 * k + i;
                        if (ch >= channels) continue;
                        int slot = Width * b + 8 * k + 4 * lane + i; // accumulator k, lane, dword
                        int sum = 0;
                        for (int t = 0; t < 9; t++) sum += weights[t * channels + ch];
                        _bias[slot] = (bias.IsEmpty ? 0 : bias[ch]) - (inZp + 128) * sum;
                        _multipliers[slot] = multipliers[ch];
                        for (int kh = 0; kh < 3; kh++)
                            for (int kw = 0; kw < 3; kw++)
                                _weights[((b * 3 + kh) * 4 + k) * 32 + 16 * lane + 4 * i + kw] = weights[(kh * 3 + kw) * channels + ch];
                    }
    }

    /// <summary>Blocks covering every channel (the last one zero-padded).</summary>
    public int Blocks { get; }

    /// <summary>Weights of block b: 3 window rows x 4 vectors x 32 bytes.</summary>
    public sbyte* Weights(int block) => (sbyte*)Unsafe.AsPointer(ref _weights[0]) + (nint)block * 3 * 4 * 32;

    /// <summary>Bias of block b: 4 x 8 int32 in accumulator order.</summary>
    public int* Bias(int block) => (int*)Unsafe.AsPointer(ref _bias[0]) + Width * block;

    public float* Multipliers(int block) => (float*)Unsafe.AsPointer(ref _multipliers[0]) + Width * block;
}
