using System.Runtime.InteropServices;
using EdgeCnn.Model;

namespace EdgeCnn.Execution;

/// <summary>Where a tensor lives in the session's arena, with its shape and quantization.</summary>
internal sealed class TensorSlot
{
    public required int Index { get; init; }
    public required TensorDef Tensor { get; init; }
    /// <summary>Byte offset in the arena, set once the arena is planned (after the steps exist, since how they run decides how long tensors live).</summary>
    public int Offset { get; set; } = -1;
    public int ByteLength => (int)Tensor.ByteSize;
    public int ElementCount => (int)Tensor.ElementCount;
    public float Scale => Tensor.Scale;
    public int ZeroPoint => Tensor.ZeroPoint;

    /// <summary>The tensor's shape padded on the left to NHWC rank 4.</summary>
    public Reference.Shape4 Shape4 => Reference.Shape4.FromShape(Tensor.Shape);

    public Span<byte> Bytes(Span<byte> arena) => arena.Slice(Offset, ByteLength);
    public Span<sbyte> Int8(Span<byte> arena) => MemoryMarshal.Cast<byte, sbyte>(Bytes(arena));
    public Span<float> Float32(Span<byte> arena) => MemoryMarshal.Cast<byte, float>(Bytes(arena));
}
