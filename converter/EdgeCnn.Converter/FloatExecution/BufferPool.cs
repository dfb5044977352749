namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// Float arrays kept for reuse by exact length, for one thread at a time. A calibration image makes the
/// same activations as the one before it, so after the first image nearly every output array comes from
/// here instead of a fresh large-object allocation (which costs page faults and gen-2 collections).
/// Rented arrays are not cleared: only kernels that write every element rent.
/// </summary>
internal sealed class BufferPool
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];

    public float[] Rent(int length) =>
        _free.TryGetValue(length, out var stack) && stack.TryPop(out var array) ? array : GC.AllocateUninitializedArray<float>(length);

    public void Return(float[] array)
    {
        if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new Stack<float[]>();
        stack.Push(array);
    }
}
