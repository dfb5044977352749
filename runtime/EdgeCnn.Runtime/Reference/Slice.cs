namespace EdgeCnn.Reference;

/// <summary>Reference Slice: copies a box out of an NHWC tensor (a channel split, a crop).</summary>
public static class Slice
{
    /// <summary>output[n, h, w, c] = input[start.N + n, start.H + h, start.W + w, start.C + c] over <paramref name="outShape"/>.</summary>
    public static void Run<T>(ReadOnlySpan<T> input, Shape4 inShape, Shape4 start, Span<T> output, Shape4 outShape)
    {
        Check.Length(input, inShape.Count, nameof(input));
        Check.Length(output, outShape.Count, nameof(output));
        for (int axis = 0; axis < 4; axis++)
            if (start[axis] < 0 || (long)start[axis] + outShape[axis] > inShape[axis])
                throw new ArgumentException($"slice of {outShape} at {start} does not fit in {inShape} (axis {axis})");
        for (int n = 0; n < outShape.N; n++)
        for (int h = 0; h < outShape.H; h++)
        for (int w = 0; w < outShape.W; w++)
        for (int c = 0; c < outShape.C; c++)
            output[outShape.Index(n, h, w, c)] = input[inShape.Index(start.N + n, start.H + h, start.W + w, start.C + c)];
    }
}
