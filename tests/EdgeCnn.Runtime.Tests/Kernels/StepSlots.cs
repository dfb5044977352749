using EdgeCnn.Execution;
using EdgeCnn.Runtime.Tests.Format;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>Arena slots for building one execution step directly in a test, without a model.</summary>
internal static class StepSlots
{
    /// <summary>An int8 activation tensor of the given shape and quantization at a byte offset of the arena.</summary>
    public static TensorSlot Activation(int index, string name, int[] shape, float scale, int zeroPoint, int offset) =>
        new() { Index = index, Tensor = TestModels.Activation(name, shape, scale, zeroPoint), Offset = offset };
}
