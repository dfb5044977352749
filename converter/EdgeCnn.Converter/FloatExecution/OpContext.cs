using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>What a kernel sees: the node (attributes), its input tensors (null for omitted optional
/// inputs) and the graph's opset, which selects between the operator's versions. Inside a run of the
/// executor it also carries the run's reusable buffers and the packed weights.</summary>
internal sealed class OpContext(GraphNode node, Tensor?[] inputs, int opset,
    RunBuffers? buffers = null, PackedWeightCache? packedWeights = null)
{
    public GraphNode Node { get; } = node;
    public Tensor?[] Inputs { get; } = inputs;
    public int Opset { get; } = opset;

    public int InputCount => Inputs.Length;

    /// <summary>Set by a kernel that applied the node's fused activation to its output as it stored it.</summary>
    public bool ActivationApplied { get; set; }

    /// <summary>Packed convolution weights shared across the executor's runs, or null (pack each time).</summary>
    public PackedWeightCache? PackedWeights { get; } = packedWeights;

    /// <summary>
    /// An output array of <paramref name="length"/> floats that may hold old values: only for kernels
    /// that write every element. Reused from earlier outputs inside a run of the executor.
    /// </summary>
    public float[] UninitializedFloats(int length) => buffers?.Rent(length) ?? GC.AllocateUninitializedArray<float>(length);

    public Tensor Input(int index) =>
        index < Inputs.Length && Inputs[index] is { } t ? t
            : throw Fail($"needs input {index}, which is missing");

    public Tensor? OptionalInput(int index) => index < Inputs.Length ? Inputs[index] : null;

    /// <summary>The float data of an input; integer inputs are converted.</summary>
    public float[] Floats(int index) => Input(index).AsFloats();

    /// <summary>True when the node asks for output <paramref name="index"/> (present and not "").</summary>
    public bool WantsOutput(int index) => index < Node.Outputs.Count && Node.Outputs[index].Length > 0;

    public ConversionException Fail(string problem) => new($"node {Node.Describe()}: {problem}");

    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>.</summary>
    public int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw Fail($"axis {axis} is out of range for rank {rank}");
        return (int)a;
    }
}
