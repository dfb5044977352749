using System.Runtime.CompilerServices;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// A depthwise layer (depth multiplier 1) packed once per model: weights widened to int16 as
/// [tap][channel] with the channel count padded to whole 32-channel blocks, bias and multipliers padded
/// the same way, the geometry and the requantization. Arrays are pinned.
/// </summary>
internal sealed unsafe class PackedDepthwiseWeights
{
    public const int ChannelPadding = 32;
    private readonly short[] _weights;
    private readonly int[] _bias;
    private readonly float[] _multipliers;

    public PackedDepthwiseWeights(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q)
    {
        g.Validate();
        q.Validate();
        if (g.Groups != g.InC || g.OutC != g.InC)
            throw new ArgumentException($"depthwise kernels need Groups == InC == OutC (depth multiplier 1), got groups {g.Groups}, in {g.InC}, out {g.OutC}");
        Check.Length(weights, (long)g.KernelH * g.KernelW * g.OutC, nameof(weights));
        Check.Bias(bias, g.OutC);
        Check.Multipliers(multipliers, g.OutC);
        Geometry = g;
        InZp = q.InZp;
        Requantization = new Requantization(q.OutZp, q.QMin, q.QMax)
        {
            NoConversionOverflow = Requantization.ConversionCannotOverflow(bias, multipliers, (long)g.KernelH * g.KernelW),
        };
        int c = g.OutC;
        PaddedChannels = (c + ChannelPadding - 1) / ChannelPadding * ChannelPadding;
        int taps = g.KernelH * g.KernelW;
        _weights = GC.AllocateArray<short>(taps * PaddedChannels, pinned: true);
        _bias = GC.AllocateArray<int>(PaddedChannels, pinned: true);
        _multipliers = GC.AllocateArray<float>(PaddedChannels, pinned: true);
        for (int t = 0; t < taps; t++)
            for (int ch = 0; ch < c; ch++)
                _weights[t * PaddedChannels + ch] = weights[t * c + ch];
        for (int ch = 0; ch < c; ch++)
        {
            _bias[ch] = bias.IsEmpty ? 0 : bias[ch];
            _multipliers[ch] = multipliers[ch];
        }
    }

    public ConvGeometry Geometry { get; }
    public int InZp { get; }
    public Requantization Requantization { get; }
    public int PaddedChannels { get; }
    public short* Weights => (short*)Unsafe.AsPointer(ref _weights[0]);
    public int* Bias => (int*)Unsafe.AsPointer(ref _bias[0]);
    public float* Multipliers => (float*)Unsafe.AsPointer(ref _multipliers[0]);

    /// <summary>Extra layout of 3x3 layers for the tap-pair kernel, when that kernel packed them.</summary>
    public Interleaved3x3Weights? Interleaved3x3 { get; set; }

    /// <summary>Extra layout of 3x3 layers for the window-row vpdpbusd kernel, when that kernel packed them.</summary>
    public Quad3x3Weights? Quad3x3 { get; set; }

    /// <summary>Output rows (N * OutH) the layer produces: the unit threads split.</summary>
    public int OutputRows => Geometry.N * Geometry.OutH;
}
