using System.Runtime.CompilerServices;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// A 3x3 depthwise layer laid out for vpmaddwd on tap pairs (the DwConv3x3 x86 kernels). Taps are
/// paired (0,1) (2,3) (4,5) (6,7) (8,-); for each block of <see cref="Width"/> channels (32 for zmm, 16
/// for ymm) and pair, two vectors of Width int16 hold the weight pairs in the order vpunpcklwd /
/// vpunpckhwd put the activations: within each 128-bit lane L, the low vector holds channels 8L..8L+3
/// and the high vector 8L+4..8L+7, each as (w_t0, w_t1).
/// The interior bias is bias - zp * sum of the 9 weights (valid where every tap reads an input value or a
/// padding value equal to the zero point, so the activations need no zero-point subtraction), stored
/// with the multipliers in the same lane order. Channels past C in the last block have zero weights,
/// bias and multipliers, so a block may run over them and discard their results.
/// </summary>
internal sealed unsafe class Interleaved3x3Weights
{
    public const int Pairs = 5;
    private readonly short[] _pairs;
    private readonly int[] _bias;
    private readonly float[] _multipliers;

    public Interleaved3x3Weights(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers, int channels, int inZp, int width)
    {
        if (width is not (16 or 32)) throw new ArgumentOutOfRangeException(nameof(width), width, "interleaved 3x3 blocks are 16 or 32 channels wide");
        Width = width;
        Blocks = (channels + width - 1) / width;
        _pairs = GC.AllocateArray<short>(Math.Max(1, Blocks * Pairs * 2 * width), pinned: true);
        _bias = GC.AllocateArray<int>(Math.Max(1, Blocks * width), pinned: true);
        _multipliers = GC.AllocateArray<float>(Math.Max(1, Blocks * width), pinned: true);
        int lanes = width / 8;
        for (int b = 0; b < Blocks; b++)
        {
            for (int half = 0; half < 2; half++)
                for (int lane = 0; lane < lanes; lane++)
                    for (int j = 0; j < 4; j++)
                    {
                        int ch = width * b + 8 * lane + 4 * half + j;
                        if (ch >= channels) continue;
                        int slot = width * b + width / 2 * half + 4 * lane + j; // [block][low | high] accumulator lanes
                        int sum = 0;
                        for (int t = 0; t < 9; t++) sum += weights[t * channels + ch];
                        _bias[slot] = (bias.IsEmpty ? 0 : bias[ch]) - inZp * sum;
                        _multipliers[slot] = multipliers[ch];
                        for (int p = 0; p < Pairs; p++)
                        {
                            int t0 = 2 * p, t1 = 2 * p + 1;
                            int index = (((b * Pairs + p) * 2 + half) * width) + 8 * lane + 2 * j;
                            _pairs[index] = weights[t0 * channels + ch];
                            _pairs[index + 1] = t1 < 9 ? weights[t1 * channels + ch] : (short)0;
                        }
                    }
        }
    }

    /// <summary>Channels per block.</summary>
    public int Width { get; }

    /// <summary>Blocks covering every channel (the last one zero-padded).</summary>
    public int Blocks { get; }

    /// <summary>Pair weights of block b: Pairs x (low, high) x Width int16.</summary>
    public short* PairWeights(int block) => (short*)Unsafe.AsPointer(ref _pairs[0]) + (nint)block * Pairs * 2 * Width;

    /// <summary>Interior bias of block b: Width / 2 for the low accumulator, then Width / 2 for the high one.</summary>
    public int* Bias(int block) => (int*)Unsafe.AsPointer(ref _bias[0]) + Width * block;

    public float* Multipliers(int block) => (float*)Unsafe.AsPointer(ref _multipliers[0]) + Width * block;
}
