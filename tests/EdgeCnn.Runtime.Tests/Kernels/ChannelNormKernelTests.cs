using EdgeCnn.Execution.Steps;
using EdgeCnn.Kernels.Elementwise;
using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>LayerNorm_Int8_Vector128_16 and L2Norm_Int8_Vector128_16 equal the reference bit for bit, on every tail.</summary>
public unsafe class ChannelNormKernelTests
{
    private static readonly int[] Channels = [1, 3, 15, 16, 17, 31, 32, 33, 96, 257, 768];

    [Fact]
    public void LayerNorm_equals_reference()
    {
        var random = new Random(17);
        foreach (int c in Channels)
            for (int trial = 0; trial < 4; trial++)
            {
                var gamma = Enumerable.Range(0, c).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
                var beta = Enumerable.Range(0, c).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                int outZp = random.Next(-30, 30);
                var q = ChannelNormQuantization.LayerNorm(c, 0.01f + (float)random.NextDouble() * 0.1f, random.Next(-128, 128), gamma, beta,
                    trial == 0 ? 0f : 1e-6f, 0.01f + (float)random.NextDouble() * 0.05f, outZp, trial == 2 ? outZp : -128, trial == 3 ? 100 : 127);
                int rows = 1 + random.Next(5);
                var x = Enumerable.Range(0, rows * c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                if (trial == 1) Array.Fill(x, (sbyte)7, 0, c); // a constant row
                var expected = new sbyte[x.Length];
                LayerNorm.Run(x, q, expected);
                var actual = new sbyte[x.Length];
                fixed (sbyte* px = x, py = actual) ChannelNormVector128.LayerNorm(px, py, rows, q);
                Assert.True(expected.SequenceEqual(actual), $"{c} channels, trial {trial}");
            }
    }

    [Fact]
    public void L2Norm_equals_reference()
    {
        var random = new Random(19);
        foreach (int c in Channels)
            for (int trial = 0; trial < 4; trial++)
            {
                int outZp = random.Next(-10, 10);
                var q = ChannelNormQuantization.L2Norm(c, 0.01f + (float)random.NextDouble() * 0.1f, random.Next(-128, 128),
                    trial == 0 ? 0f : 1e-3f * trial, trial == 3 ? 1e-30f : 1f / 127, outZp, -128, 127);
                int rows = 1 + random.Next(5);
                var x = Enumerable.Range(0, rows * c).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
                var expected = new sbyte[x.Length];
                L2Norm.Run(x, q, expected);
                var actual = new sbyte[x.Length];
                fixed (sbyte* px = x, py = actual) ChannelNormVector128.L2Norm(px, py, rows, q);
                Assert.True(expected.SequenceEqual(actual), $"{c} channels, trial {trial}");
            }
    }

    [Fact]
    public void Largest_channel_count_keeps_the_integer_sums_exact()
    {
        int c = ChannelNormQuantization.MaxChannels;
        var q = ChannelNormQuantization.L2Norm(c, 1f, 127, 0f, 1f / 127, 0, -128, 127);
        var x = new sbyte[c];
        Array.Fill(x, sbyte.MinValue); // every d = -255: Q = 255^2 * 32768, the largest sum of squares
        var expected = new sbyte[c];
        L2Norm.Run(x, q, expected);
        var actual = new sbyte[c];
        fixed (sbyte* px = x, py = actual) ChannelNormVector128.L2Norm(px, py, 1, q);
        Assert.Equal(expected, actual);
        var g = Enumerable.Repeat(1f, c).ToArray();
        var ln = ChannelNormQuantization.LayerNorm(c, 1f, 127, g, new float[c], 0f, 0.05f, 0, -128, 127);
        for (int i = 0; i < c; i += 2) x[i] = sbyte.MaxValue;
        LayerNorm.Run(x, ln, expected);
        fixed (sbyte* px = x, py = actual) ChannelNormVector128.LayerNorm(px, py, 1, ln);
        Assert.Equal(expected, actual);
    }
}

/// <summary>The Slice step (contiguous runs) equals the reference on channel splits, crops and whole rows.</summary>
public class SliceStepTests
{
    [Theory]
    [InlineData(new[] { 1, 5, 6, 16 }, new[] { 0, 0, 0, 8 }, new[] { 1, 5, 6, 8 })]   // second half of the channels
    [InlineData(new[] { 1, 5, 6, 16 }, new[] { 0, 0, 0, 0 }, new[] { 1, 5, 6, 10 })]  // torch.split [10, 6]
    [InlineData(new[] { 2, 5, 6, 3 }, new[] { 1, 1, 2, 1 }, new[] { 1, 3, 3, 2 })]    // a crop on every axis
    [InlineData(new[] { 1, 5, 6, 3 }, new[] { 0, 2, 0, 0 }, new[] { 1, 2, 6, 3 })]    // whole rows
    [InlineData(new[] { 3, 10 }, new[] { 0, 0, 1, 4 }, new[] { 2, 6 })]               // [N, C] features, widened
    public void SliceEqualsReference(int[] inShape, int[] start, int[] outShape)
    {
        var input = StepSlots.Activation(0, "in", inShape, 0.1f, 3, 0);
        var output = StepSlots.Activation(1, "out", outShape, 0.1f, 3, input.ElementCount);
        var op = new OperatorDef { Type = OpType.Slice, Name = "slice", Inputs = [0], Outputs = [1], Ints = start };
        var arena = new byte[input.ElementCount + output.ElementCount];
        new Random(inShape.Sum()).NextBytes(arena.AsSpan(0, input.ElementCount));
        new SliceStep(op, input, output).Execute(arena);
        var expected = new sbyte[output.ElementCount];
        Slice.Run<sbyte>(input.Int8(arena).ToArray(), input.Shape4, new Shape4(start[0], start[1], start[2], start[3]), expected, output.Shape4);
        Assert.True(expected.AsSpan().SequenceEqual(output.Int8(arena)));
    }
}
