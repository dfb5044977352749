namespace EdgeCnn.Reference;

/// <summary>
/// Reference int8 layer normalization over the last axis (the channels of NHWC, the features of [N, C]):
/// the formula is in <see cref="ChannelNormQuantization"/> and docs/quantization.md.
/// </summary>
public static class LayerNorm
{
    public static void Run(ReadOnlySpan<sbyte> input, ChannelNormQuantization q, Span<sbyte> output)
    {
        int c = q.Channels;
        if (input.Length % c != 0) throw new ArgumentException($"LayerNorm input of {input.Length} elements is not a whole number of rows of {c}", nameof(input));
        Check.Length(output, input.Length, nameof(output));
        for (int row = 0; row < input.Length; row += c)
        {
            var x = input.Slice(row, c);
            long sum = 0, sumOfSquares = 0;
            foreach (sbyte v in x)
            {
                int d = v - q.InZp;
                sum += d;
                sumOfSquares += d * d;
            }
            float m = q.LayerNormMultiplier(sum, sumOfSquares);
            for (int i = 0; i < c; i++)
                output[row + i] = q.LayerNormOutput(c * (x[i] - q.InZp) - (int)sum, m, i);
        }
    }
}
