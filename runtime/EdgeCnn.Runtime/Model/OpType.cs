namespace EdgeCnn.Model;

/// <summary>
/// Operator kinds of the canonical NHWC int8 graph. The numeric values are part of the .ecnn format:
/// never renumber, only append. Inputs, outputs and parameters of each kind are fixed by
/// <see cref="OpSchema"/>, and the typed parameter records in OpParams.cs.
/// </summary>
public enum OpType : ushort
{
    /// <summary>inputs: x int8 NHWC, w int8 OHWI (I = C_in / groups, per-channel scales on O), bias int32 [O]; ints: <see cref="ConvParams"/>.</summary>
    Conv2D = 1,
    /// <summary>inputs: x, w int8 1HWC (C = C_in * multiplier), bias int32; ints: <see cref="ConvParams"/> with Groups = depth multiplier.</summary>
    DepthwiseConv2D = 2,
    /// <summary>inputs: x, w int8 OHWI (O = C_out, I = C_in / groups), bias; ints: <see cref="ConvParams"/>. Output size is the output tensor's shape.</summary>
    TransposedConv2D = 3,
    /// <summary>inputs: x (any rank; flattened to [N, K] in NHWC order), w int8 [O, K], bias int32 [O]. Output [N, O].</summary>
    FullyConnected = 4,
    /// <summary>ints: <see cref="PoolParams"/>.</summary>
    MaxPool = 5,
    /// <summary>ints: <see cref="PoolParams"/>.</summary>
    AvgPool = 6,
    /// <summary>Output [N, 1, 1, C].</summary>
    GlobalAvgPool = 7,
    /// <summary>Output [N, 1, 1, C].</summary>
    GlobalMaxPool = 8,
    /// <summary>out = alphaA * a + alphaB * b, numpy broadcasting over 4D NHWC; floats: <see cref="AddParams"/>.</summary>
    Add = 9,
    /// <summary>out = a * b, numpy broadcasting over 4D NHWC (per-channel attention: b is [N,1,1,C]).</summary>
    Mul = 10,
    /// <summary>ints: [axis] (NHWC axis, usually 3). Inputs may have different scales.</summary>
    Concat = 11,
    /// <summary>Constant padding with the float value 0 (the output zero point); ints: <see cref="PadParams"/>.</summary>
    Pad = 12,
    /// <summary>ints: <see cref="ResizeParams"/>. Output size is the output tensor's shape.</summary>
    Resize = 13,
    /// <summary>Copies bytes; input and output have the same element count and quantization.</summary>
    Reshape = 14,
    /// <summary>ints: [groups]. NHWC channel shuffle (ShuffleNet).</summary>
    ChannelShuffle = 15,
    /// <summary>Element-wise non-linearity as a 256-entry table; ints: [kind]; floats: [alpha, beta]; see <see cref="ActivationKind"/>.</summary>
    Activation = 16,
    /// <summary>inputs: x int8, slope float32 [C]. Per-channel leaky slope.</summary>
    PRelu = 17,
    /// <summary>int8 in, float32 out, over the last axis; ints: [log (0/1)]; floats: [beta].</summary>
    Softmax = 18,
    /// <summary>float32 in, int8 out.</summary>
    Quantize = 19,
    /// <summary>int8 in, float32 out.</summary>
    Dequantize = 20,
    /// <summary>
    /// Copies a box of the input (channel split, crops); ints: <see cref="SliceParams"/> (the box's start on
    /// each axis of the rank-4 view, shapes widened with leading ones); the output's shape is the box's
    /// size. Output keeps the input's quantization.
    /// </summary>
    Slice = 21,
    /// <summary>
    /// inputs: x int8, gamma float32 [C], beta float32 [C]; floats: [epsilon]. Layer normalization over the
    /// last axis (the channels): (x - mean) / sqrt(var + epsilon) * gamma + beta. Integer statistics, see docs/quantization.md.
    /// </summary>
    LayerNorm = 22,
    /// <summary>floats: [epsilon]. x / max(||x||_2, epsilon) over the last axis (the channels); see docs/quantization.md.</summary>
    L2Norm = 23,
}

/// <summary>Element-wise functions computed through a 256-entry table. Values are part of the format.</summary>
public enum ActivationKind
{
    /// <summary>Requantization only (scale change).</summary>
    Identity = 0,
    Relu = 1,
    /// <summary>clamp(x, alpha, beta) (Relu6: alpha 0, beta 6).</summary>
    Clip = 2,
    Sigmoid = 3,
    Tanh = 4,
    /// <summary>alpha.</summary>
    Elu = 5,
    /// <summary>alpha, beta = gamma.</summary>
    Selu = 6,
    /// <summary>alpha.</summary>
    LeakyRelu = 7,
    HardSwish = 8,
    /// <summary>max(0, min(1, alpha * x + beta)).</summary>
    HardSigmoid = 9,
    Silu = 10,
    /// <summary>exact (erf) GELU.</summary>
    Gelu = 11,
    Softplus = 12,
    Mish = 13,
}
