using EdgeCnn.Quantization;

namespace EdgeCnn.Reference;

/// <summary>
/// Reference int8 L2 normalization over the last axis: x / max(||x||, epsilon) (F.normalize, ONNX
/// LpNormalization p = 2). The formula is in <see cref="ChannelNormQuantization"/> and docs/quantization.md.
/// </summary>
public static class L2Norm
{
    public static void Run(ReadOnlySpan<sbyte> input, ChannelNormQuantization q, Span<sbyte> output)
    {
        int c = q.Channels;
        if (input.Length % c != 0) throw new ArgumentException($"L2Norm input of {input.Length} elements is not a whole number of rows of {c}", nameof(input));
        Check.Length(output, input.Length, nameof(output));
        for (int row = 0; row < input.Length; row += c)
        {
            var x = input.Slice(row, c);
            long sumOfSquares = 0;
            foreach (sbyte v in x) sumOfSquares += (v - q.InZp) * (v - q.InZp);
            float m = q.L2NormMultiplier(sumOfSquares);
            for (int i = 0; i < c; i++)
                output[row + i] = QuantMath.Requantize(x[i] - q.InZp, m, q.OutZp, q.QMin, q.QMax);
        }
    }
}
