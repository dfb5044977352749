namespace EdgeCnn.Converter.Onnx;

/// <summary>
/// The ONNX operators (default domain) the converter imports and the float executor runs. The shape
/// arithmetic group is what PyTorch exports around Reshape/Flatten; constant folding removes it.
/// </summary>
public static class SupportedOperators
{
    public const int MinOpset = 7;
    public const int MaxOpset = 25;

    public static readonly IReadOnlyList<string> Network =
    [
        "Conv", "ConvTranspose", "DeformConv",
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Gemm", "MatMul",
        "Add", "Sum", "Sub", "Mul", "Div",
        "Relu", "LeakyRelu", "PRelu", "Elu", "Selu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Clip",
        "Softmax", "LogSoftmax",
        "BatchNormalization", "LRN", "ReduceMean", "LayerNormalization", "ReduceL2", "LpNormalization",
        "Erf", "Sqrt", "Pow", "Gelu", "Split",
        "Dropout", "Identity", "Flatten", "Reshape", "Concat", "Transpose", "Pad", "Resize", "Upsample",
    ];

    public static readonly IReadOnlyList<string> ShapeArithmetic =
    [
        "Shape", "Gather", "Unsqueeze", "Squeeze", "Constant", "ConstantOfShape", "Cast", "Slice", "Expand",
    ];

    private static readonly HashSet<string> All = new([.. Network, .. ShapeArithmetic], StringComparer.Ordinal);

    public static bool IsSupported(string opType) => All.Contains(opType);

    /// <summary>"Add, AveragePool, ..." for error messages.</summary>
    public static string Listing() => string.Join(", ", All.Order(StringComparer.Ordinal));
}
