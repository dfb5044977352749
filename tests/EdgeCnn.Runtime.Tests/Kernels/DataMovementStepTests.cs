using EdgeCnn.Execution;
using EdgeCnn.Execution.Steps;
using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The Concat and ChannelShuffle steps (block copies, rescale tables, pointer loops) equal the reference
/// operators bit for bit, on every axis and with inputs that need rescaling.
/// </summary>
public class DataMovementStepTests
{
    public static TheoryData<int, bool> ConcatCases => new() { { 3, false }, { 3, true }, { 2, true }, { 1, false }, { 0, true } };

    [Theory]
    [MemberData(nameof(ConcatCases))]
    public void ConcatEqualsReference(int axis, bool rescaled)
    {
        var random = new Random(axis * 2 + (rescaled ? 1 : 0));
        int[] baseShape = [2, 3, 4, 5];
        var sizes = new[] { 3, 1, 6 };
        var slots = new List<TensorSlot>();
        int offset = 0, index = 0;
        foreach (int size in sizes)
        {
            var shape = (int[])baseShape.Clone();
            shape[axis] = size;
            // Without rescaling every input shares the output's quantization: a plain copy.
            float scale = rescaled ? 0.02f + 0.01f * index : 0.05f;
            int zp = rescaled ? random.Next(-50, 50) : 4;
            slots.Add(StepSlots.Activation(index++, $"in{index}", shape, scale, zp, offset));
            offset += shape.Aggregate(1, (x, y) => x * y);
        }
        var outShape = (int[])baseShape.Clone();
        outShape[axis] = sizes.Sum();
        var output = StepSlots.Activation(index, "out", outShape, 0.05f, 4, offset);
        var op = new OperatorDef { Type = OpType.Concat, Name = "concat", Inputs = [0, 1, 2], Outputs = [3], Ints = [axis] };
        var step = new ConcatStep(op, [.. slots], output);

        var arena = new byte[offset + output.ElementCount];
        random.NextBytes(arena.AsSpan(0, offset));
        step.Execute(arena);

        var expected = new sbyte[output.ElementCount];
        Concat.Run(slots.Select(s => s.Int8(arena).ToArray()).ToList(), slots.Select(s => s.Shape4).ToList(),
            slots.Select(s => Rescale.Create(s.Scale, s.ZeroPoint, output.Scale, output.ZeroPoint)).ToList(), axis, expected, output.Shape4);
        Assert.True(expected.AsSpan().SequenceEqual(output.Int8(arena)), $"concat on axis {axis}, rescaled {rescaled}");
    }

    [Theory]
    [InlineData(3, 24)]
    [InlineData(2, 2)]
    [InlineData(4, 36)]
    public void ChannelShuffleEqualsReference(int groups, int channels)
    {
        var random = new Random(groups * 100 + channels);
        int[] shape = [1, 3, 5, channels];
        var input = StepSlots.Activation(0, "in", shape, 0.1f, 0, 0);
        int count = input.ElementCount;
        var output = StepSlots.Activation(1, "out", shape, 0.1f, 0, count);
        var step = new ChannelShuffleStep(new OperatorDef { Type = OpType.ChannelShuffle, Name = "shuffle", Inputs = [0], Outputs = [1], Ints = [groups] }, input, output);
        var arena = new byte[2 * count];
        random.NextBytes(arena.AsSpan(0, count));
        step.Execute(arena);
        var expected = new sbyte[count];
        ChannelShuffle.Run(input.Int8(arena), input.Shape4, groups, expected);
        Assert.True(expected.AsSpan().SequenceEqual(output.Int8(arena)), $"channel shuffle, {groups} groups of {channels} channels");
    }
}
