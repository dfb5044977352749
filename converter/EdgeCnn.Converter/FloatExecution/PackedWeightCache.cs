using System.Collections.Concurrent;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// Convolution weights packed into the GEMM microkernel's row blocks, once per weight array for the
/// life of one executor instead of once per image (ResNet-18 packed 44 MB per image before). Keyed by
/// the weight array itself (and the group count, which sets the packing): the graph's constants do not
/// change while an executor runs them.
/// Shared by the threads that run images at once.
/// </summary>
internal sealed class PackedWeightCache
{
    private readonly ConcurrentDictionary<(float[] Weights, int Group), float[]> _packed = new();

    /// <summary>All groups of <paramref name="weights"/> ([group * m, k]) packed one group after another.</summary>
    public float[] Get(float[] weights, int group, int m, int k) =>
        _packed.GetOrAdd((weights, group), key => ConvGemm.PackAllGroups(key.Weights, key.Group, m, k));
}
