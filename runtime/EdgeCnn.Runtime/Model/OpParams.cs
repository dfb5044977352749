namespace EdgeCnn.Model;

// Typed views of an operator's integer and float parameters. The order of the values in
// OperatorDef.Ints / Floats is part of the .ecnn format (docs/format.md).

/// <summary>Convolution geometry. For DepthwiseConv2D, Groups holds the depth multiplier.</summary>
public readonly record struct ConvParams(
    int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, int Groups)
{
    public const int Count = 9;
    public int[] ToInts() => [StrideH, StrideW, DilationH, DilationW, PadTop, PadLeft, PadBottom, PadRight, Groups];
    public static ConvParams FromInts(ReadOnlySpan<int> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
}

/// <summary>Pooling window. Padding is explicit and may be asymmetric (ceil mode is expressed through it).</summary>
public readonly record struct PoolParams(
    int KernelH, int KernelW, int StrideH, int StrideW,
    int PadTop, int PadLeft, int PadBottom, int PadRight, bool CountIncludePad)
{
    public const int Count = 9;
    public int[] ToInts() => [KernelH, KernelW, StrideH, StrideW, PadTop, PadLeft, PadBottom, PadRight, CountIncludePad ? 1 : 0];
    public static PoolParams FromInts(ReadOnlySpan<int> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] != 0);
}

/// <summary>Coefficients of Add: out = AlphaA * a + AlphaB * b (Sub is AlphaB = -1).</summary>
public readonly record struct AddParams(float AlphaA, float AlphaB)
{
    public const int Count = 2;
    public float[] ToFloats() => [AlphaA, AlphaB];
    public static AddParams FromFloats(ReadOnlySpan<float> v) => new(v[0], v[1]);
}

/// <summary>Padding before and after each NHWC axis: N, H, W, C.</summary>
public readonly record struct PadParams(int[] Before, int[] After)
{
    public const int Count = 8;
    public int[] ToInts() => [.. Before, .. After];
    public static PadParams FromInts(ReadOnlySpan<int> v) => new(v[..4].ToArray(), v[4..8].ToArray());
}

public enum ResizeMode { Nearest = 0, Bilinear = 1 }

/// <summary>How an output coordinate maps to an input coordinate (the ONNX names).</summary>
public enum CoordinateTransform { HalfPixel = 0, AlignCorners = 1, Asymmetric = 2, PytorchHalfPixel = 3, TfHalfPixelForNn = 4 }

public enum NearestRounding { RoundPreferFloor = 0, RoundPreferCeil = 1, Floor = 2, Ceil = 3 }

public readonly record struct ResizeParams(ResizeMode Mode, CoordinateTransform Transform, NearestRounding Rounding)
{
    public const int Count = 3;
    public int[] ToInts() => [(int)Mode, (int)Transform, (int)Rounding];
    public static ResizeParams FromInts(ReadOnlySpan<int> v) => new((ResizeMode)v[0], (CoordinateTransform)v[1], (NearestRounding)v[2]);
}

public readonly record struct ActivationParams(ActivationKind Kind, float Alpha, float Beta)
{
    public const int IntCount = 1;
    public const int FloatCount = 2;
    public int[] ToInts() => [(int)Kind];
    public float[] ToFloats() => [Alpha, Beta];
    public static ActivationParams From(ReadOnlySpan<int> ints, ReadOnlySpan<float> floats) => new((ActivationKind)ints[0], floats[0], floats[1]);
}

public readonly record struct SoftmaxParams(bool Log, float Beta)
{
    public int[] ToInts() => [Log ? 1 : 0];
    public float[] ToFloats() => [Beta];
    public static SoftmaxParams From(ReadOnlySpan<int> ints, ReadOnlySpan<float> floats) => new(ints[0] != 0, floats[0]);
}

/// <summary>Start of a Slice box on each axis of the rank-4 view (N, H, W, C for feature maps).</summary>
public readonly record struct SliceParams(int N, int H, int W, int C)
{
    public const int Count = 4;
    public int[] ToInts() => [N, H, W, C];
    public static SliceParams FromInts(ReadOnlySpan<int> v) => new(v[0], v[1], v[2], v[3]);
}
