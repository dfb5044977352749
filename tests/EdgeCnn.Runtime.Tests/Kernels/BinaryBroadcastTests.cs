using EdgeCnn.Execution;
using EdgeCnn.Execution.Steps;
using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Add and Mul steps over every broadcast the vector path takes (same shape, a single value, a row of
/// channels per image or for all images, the broadcast input first or second) and one it leaves to the
/// reference ([N, H, 1, C]): each equals the reference operator bit for bit.
/// </summary>
public class BinaryBroadcastTests
{
    public static TheoryData<string, int[], int[], bool> Cases => new()
    {
        { "same shape", [2, 3, 5, 40], [2, 3, 5, 40], true },
        { "scalar second", [1, 4, 4, 37], [1, 1, 1, 1], true },
        { "scalar first", [1, 1, 1, 1], [1, 4, 4, 37], true },
        { "channel row per image (squeeze-and-excitation)", [2, 5, 3, 48], [2, 1, 1, 48], true },
        { "channel row first", [1, 1, 1, 33], [1, 6, 6, 33], true },
        { "one channel row for the batch", [3, 2, 2, 17], [1, 1, 1, 17], true },
        { "column broadcast (reference)", [1, 4, 5, 16], [1, 4, 1, 16], false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AddEqualsReference(string name, int[] aShape, int[] bShape, bool vectorPath) => Check(OpType.Add, name, aShape, bShape, vectorPath);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MulEqualsReference(string name, int[] aShape, int[] bShape, bool vectorPath) => Check(OpType.Mul, name, aShape, bShape, vectorPath);

    /// <summary>Same-shape and scalar operations large enough to split run as contiguous ranges on 2 and 3 threads.</summary>
    [Theory]
    [InlineData(OpType.Add, new[] { 1, 56, 56, 24 }, new[] { 1, 56, 56, 24 }, 2)]
    [InlineData(OpType.Add, new[] { 1, 28, 29, 33 }, new[] { 1, 28, 29, 33 }, 3)]
    [InlineData(OpType.Mul, new[] { 1, 40, 40, 17 }, new[] { 1, 1, 1, 1 }, 3)]
    public void SplitAcrossThreadsEqualsReference(OpType type, int[] aShape, int[] bShape, int threads)
    {
        Assert.True(Shape4.FromShape(aShape).Count >= BinaryStep.ParallelElements);
        using var context = new EdgeCnn.Threading.RunContext(threads, 0);
        Check(type, $"split {threads}", aShape, bShape, true, context);
    }

    private static void Check(OpType type, string name, int[] aShape, int[] bShape, bool vectorPath, EdgeCnn.Threading.RunContext? context = null)
    {
        var random = new Random(name.Length * 31 + (int)type);
        var sa = Shape4.FromShape(aShape);
        var sb = Shape4.FromShape(bShape);
        var so = new Shape4(Math.Max(sa.N, sb.N), Math.Max(sa.H, sb.H), Math.Max(sa.W, sb.W), Math.Max(sa.C, sb.C));
        var a = StepSlots.Activation(0, "a", aShape, 0.05f, random.Next(-128, 128), 0);
        var b = StepSlots.Activation(1, "b", bShape, 0.03f, random.Next(-128, 128), sa.Count);
        var o = StepSlots.Activation(2, "out", [so.N, so.H, so.W, so.C], 0.08f, random.Next(-20, 20), sa.Count + sb.Count);
        var op = new OperatorDef
        {
            Type = type, Name = name, Inputs = [0, 1], Outputs = [2],
            Floats = type == OpType.Add ? new AddParams(1, -0.5f).ToFloats() : [],
        };
        var step = new BinaryStep(op, a, b, o);
        Assert.Equal(vectorPath && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, step.Kernel is not null);

        var arena = new byte[sa.Count + sb.Count + so.Count];
        random.NextBytes(arena.AsSpan(0, sa.Count + sb.Count));
        if (context is null) step.Execute(arena);
        else step.Execute(arena, context);

        var expected = new sbyte[so.Count];
        if (type == OpType.Add)
        {
            var q = AddQuantization.Create(a.Scale, a.ZeroPoint, b.Scale, b.ZeroPoint, 1, -0.5f, o.Scale, o.ZeroPoint);
            Add.Run(a.Int8(arena), sa, b.Int8(arena), sb, q, expected, so);
        }
        else
        {
            var q = MulQuantization.Create(a.Scale, a.ZeroPoint, b.Scale, b.ZeroPoint, o.Scale, o.ZeroPoint);
            Mul.Run(a.Int8(arena), sa, b.Int8(arena), sb, q, expected, so);
        }
        Assert.True(expected.AsSpan().SequenceEqual(o.Int8(arena)), $"{type} {name} differs from the reference");
    }
}
