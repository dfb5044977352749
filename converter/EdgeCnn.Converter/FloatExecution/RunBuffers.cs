using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// The arrays one run rented from a <see cref="BufferPool"/>, each with the number of live values that
/// hold it. Reshape-like kernels give their output the input's array, so an array goes back to the
/// pool only when the last value holding it has been read for the last time. Arrays this run did not
/// rent (inputs, constants) are never returned.
/// </summary>
internal sealed class RunBuffers(BufferPool pool)
{
    private readonly Dictionary<float[], int> _holders = [];

    /// <summary>An uninitialized array of <paramref name="length"/> floats; the kernel must write every element.</summary>
    public float[] Rent(int length)
    {
        var array = pool.Rent(length);
        _holders[array] = 0;
        return array;
    }

    /// <summary>A value now holds <paramref name="tensor"/>'s array.</summary>
    public void Hold(Tensor tensor)
    {
        if (tensor.Floats is { } array && _holders.TryGetValue(array, out int holders)) _holders[array] = holders + 1;
    }

    /// <summary>A value holding <paramref name="tensor"/>'s array is dead; the last one gives the array back.</summary>
    public void Release(Tensor tensor)
    {
        if (tensor.Floats is not { } array || !_holders.TryGetValue(array, out int holders)) return;
        if (holders > 1)
        {
            _holders[array] = holders - 1;
            return;
        }
        _holders.Remove(array);
        pool.Return(array);
    }
}
