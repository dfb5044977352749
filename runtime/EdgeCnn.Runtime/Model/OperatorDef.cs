namespace EdgeCnn.Model;

/// <summary>
/// One operator of the canonical graph: its kind, tensor indices, parameters, and the fused activation
/// clamp in the output's int8 domain (ReLU / ReLU6 become ActivationMin/Max).
/// </summary>
public sealed class OperatorDef
{
    public required OpType Type { get; set; }
    public required int[] Inputs { get; set; }
    public required int[] Outputs { get; set; }
    public int[] Ints { get; set; } = [];
    public float[] Floats { get; set; } = [];
    public int ActivationMin { get; set; } = sbyte.MinValue;
    public int ActivationMax { get; set; } = sbyte.MaxValue;
    /// <summary>Name of the source node, for messages and reports.</summary>
    public string Name { get; set; } = "";

    public ConvParams Conv => ConvParams.FromInts(Ints);
    public PoolParams Pool => PoolParams.FromInts(Ints);
    public AddParams AddCoefficients => AddParams.FromFloats(Floats);
    public PadParams Padding => PadParams.FromInts(Ints);
    public ResizeParams ResizeOptions => ResizeParams.FromInts(Ints);
    public ActivationParams ActivationOptions => ActivationParams.From(Ints, Floats);
    public SoftmaxParams SoftmaxOptions => SoftmaxParams.From(Ints, Floats);
    public SliceParams SliceStart => SliceParams.FromInts(Ints);

    public override string ToString() => $"{Type} '{Name}' in [{string.Join(",", Inputs)}] out [{string.Join(",", Outputs)}]";
}
