using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>The NEON kernels, instantiated with the exact emulation of their Arm instructions, equal the reference.</summary>
public class ArmEmulationTests(ITestOutputHelper output)
{
    public static TheoryData<string> GemmKernels => new(KernelTable.EmulatedGemm.Select(k => k.Info.Name));

    [Theory]
    [MemberData(nameof(GemmKernels))]
    public void EmulatedNeonGemmEqualsReference(string name)
    {
        var kernel = KernelTable.EmulatedGemm.Single(k => k.Info.Name == name);
        int cases = 0;
        foreach (var c in ShapeMatrix.Gemm(small: true))
        {
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Gemm(kernel, c)), $"emulated {name} differs from the reference on {c}");
            cases++;
        }
        output.WriteLine($"emulated {name}: {cases} cases exact");
    }

    [Fact]
    public void EmulatedNeonDepthwiseEqualsReference()
    {
        foreach (var kernel in KernelTable.EmulatedDepthwise)
            foreach (var c in ShapeMatrix.Depthwise(small: true))
                Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Depthwise(kernel, c)), $"emulated {kernel.Info.Name} differs from the reference on {c}");
    }
}
