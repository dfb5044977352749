namespace EdgeCnn.Kernels;

/// <summary>The operation a kernel implements.</summary>
public enum KernelOp
{
    /// <summary>int8 GEMM on packed weights with fused requantization: 1x1 convolution, im2col convolution, fully connected.</summary>
    Gemm,
    /// <summary>Depthwise convolution (depth multiplier 1), any kernel size, stride, dilation and padding.</summary>
    DepthwiseConv,
    /// <summary>Convolution with at most 4 input channels (a first layer) as a GEMM whose panels are gathered from the input.</summary>
    FirstLayerConv,
    /// <summary>Element-wise Add of two tensors of one shape.</summary>
    Add,
    /// <summary>Element-wise Mul of two tensors of one shape.</summary>
    Mul,
    /// <summary>Max pooling, any window, stride and padding.</summary>
    MaxPool,
    /// <summary>Global average pooling.</summary>
    GlobalAvgPool,
    AvgPool,
    /// <summary>Layer normalization over the channels (integer statistics, per-channel output stage).</summary>
    LayerNorm,
    /// <summary>L2 normalization over the channels.</summary>
    L2Norm,
}
