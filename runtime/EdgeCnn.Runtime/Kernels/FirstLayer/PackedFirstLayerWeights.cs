using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.FirstLayer;

/// <summary>
/// A few-input-channel convolution packed once per model for a <see cref="FirstLayerKernel"/>: the GEMM
/// weights of its microkernel with every window row (KernelW * InC values, contiguous in NHWC) padded
/// with zero weights to <see cref="RowK"/>, a whole number of the layout's reduction groups, so a
/// window row never shares a group with the next one and the kernel can gather each row's groups
/// straight from the input. K = KernelH * RowK.
/// </summary>
internal sealed class PackedFirstLayerWeights
{
    public PackedFirstLayerWeights(GemmLayout layout, ReadOnlySpan<sbyte> ohwi, ReadOnlySpan<int> bias, ReadOnlySpan<float> multipliers,
        in ConvGeometry g, in ConvQuantization q)
    {
        g.Validate();
        q.Validate();
        if (g.Groups != 1) throw new ArgumentException($"first-layer kernels run ungrouped convolutions, got {g.Groups} groups");
        int row = g.KernelW * g.InC;
        Check.Length(ohwi, (long)g.OutC * g.KernelH * row, nameof(ohwi));
        RowK = (row + layout.KGroup - 1) / layout.KGroup * layout.KGroup;
        int k = g.KernelH * RowK;
        var padded = new sbyte[g.OutC * k];
        for (int n = 0; n < g.OutC; n++)
            for (int kh = 0; kh < g.KernelH; kh++)
                ohwi.Slice((n * g.KernelH + kh) * row, row).CopyTo(padded.AsSpan(n * k + kh * RowK, row));
        Geometry = g;
        InZp = q.InZp;
        Gemm = new PackedGemmWeights(layout, padded, g.OutC, k, bias, multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
    }

    public ConvGeometry Geometry { get; }
    public int InZp { get; }
    /// <summary>Reduction values per window row: KernelW * InC rounded up to whole groups.</summary>
    public int RowK { get; }
    public PackedGemmWeights Gemm { get; }

    /// <summary>The weights in the broadcast layout of the AVX-VNNI first-layer kernel, when that kernel packed them.</summary>
    public FirstLayerAvxVnniWeights? AvxVnni { get; set; }

    /// <summary>GEMM rows (output pixels), N * OutH * OutW.</summary>
    public int Rows => Geometry.N * Geometry.OutH * Geometry.OutW;
}
