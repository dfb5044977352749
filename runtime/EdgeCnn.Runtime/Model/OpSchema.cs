namespace EdgeCnn.Model;

/// <summary>
/// What each operator kind takes: input and output counts and parameter counts. The reader uses it to
/// reject malformed operator records before anything is executed; the writer uses it to refuse to
/// produce them.
/// </summary>
public readonly record struct OpSchema(int MinInputs, int MaxInputs, int Outputs, int IntCount, int FloatCount)
{
    /// <summary>Upper bound on Concat inputs; keeps hostile files from making huge operator records.</summary>
    public const int MaxConcatInputs = 1024;

    public static bool TryGet(OpType type, out OpSchema schema)
    {
        schema = type switch
        {
            OpType.Conv2D or OpType.DepthwiseConv2D or OpType.TransposedConv2D => new(3, 3, 1, ConvParams.Count, 0),
            OpType.FullyConnected => new(3, 3, 1, 0, 0),
            OpType.MaxPool or OpType.AvgPool => new(1, 1, 1, PoolParams.Count, 0),
            OpType.GlobalAvgPool or OpType.GlobalMaxPool => new(1, 1, 1, 0, 0),
            OpType.Add => new(2, 2, 1, 0, AddParams.Count),
            OpType.Mul => new(2, 2, 1, 0, 0),
            OpType.Concat => new(1, MaxConcatInputs, 1, 1, 0),
            OpType.Pad => new(1, 1, 1, PadParams.Count, 0),
            OpType.Resize => new(1, 1, 1, ResizeParams.Count, 0),
            OpType.Reshape => new(1, 1, 1, 0, 0),
            OpType.ChannelShuffle => new(1, 1, 1, 1, 0),
            OpType.Activation => new(1, 1, 1, ActivationParams.IntCount, ActivationParams.FloatCount),
            OpType.PRelu => new(2, 2, 1, 0, 0),
            OpType.Softmax => new(1, 1, 1, 1, 1),
            OpType.Quantize or OpType.Dequantize => new(1, 1, 1, 0, 0),
            OpType.Slice => new(1, 1, 1, SliceParams.Count, 0),
            OpType.LayerNorm => new(3, 3, 1, 0, 1),
            OpType.L2Norm => new(1, 1, 1, 0, 1),
            _ => default,
        };
        return schema.Outputs != 0;
    }
}
