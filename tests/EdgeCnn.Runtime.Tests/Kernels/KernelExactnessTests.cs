using System.Runtime.Intrinsics;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Every kernel of the table this process can run equals the reference operator bit for bit over the
/// shape matrix. The portable Vector128 rows run everywhere (in software when the hardware path is
/// switched off); ISA-specific rows run when the CPU has their ISA; the NEON rows run here through the
/// exact instruction emulation (see <see cref="ArmEmulationTests"/>).
/// </summary>
public class KernelExactnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> GemmKernels => new(KernelTable.Gemm.Select(k => k.Info.Name));
    public static TheoryData<string> DepthwiseKernels => new(KernelTable.Depthwise.Select(k => k.Info.Name));

    internal static bool Runs(KernelInfo info) => info.IsSupported || info.Isa == KernelIsa.Vector128;

    [Theory]
    [MemberData(nameof(GemmKernels))]
    public void GemmKernelEqualsReferenceConvolution(string name)
    {
        var kernel = KernelTable.Gemm.Single(k => k.Info.Name == name);
        if (!Runs(kernel.Info))
        {
            output.WriteLine($"{name}: this process cannot run {kernel.Info.Isa} ({IsaSupport.Describe()}); covered by emulation or another ISA configuration");
            return;
        }
        int cases = 0;
        foreach (var c in ShapeMatrix.Gemm(small: !Vector128.IsHardwareAccelerated))
        {
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Gemm(kernel, c)), $"{name} differs from the reference on {c}");
            cases++;
        }
        output.WriteLine($"{name}: {cases} cases exact");
    }

    [Theory]
    [MemberData(nameof(DepthwiseKernels))]
    public void DepthwiseKernelEqualsReferenceDepthwiseConvolution(string name)
    {
        var kernel = KernelTable.Depthwise.Single(k => k.Info.Name == name);
        if (!Runs(kernel.Info))
        {
            output.WriteLine($"{name}: this process cannot run {kernel.Info.Isa} ({IsaSupport.Describe()})");
            return;
        }
        int cases = 0;
        foreach (var c in ShapeMatrix.Depthwise(small: !Vector128.IsHardwareAccelerated))
        {
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.Depthwise(kernel, c)), $"{name} differs from the reference on {c}");
            cases++;
        }
        output.WriteLine($"{name}: {cases} cases exact");
    }

    [Theory]
    [MemberData(nameof(DepthwiseKernels))]
    public void DepthwiseKernelSplitIntoRowRangesEqualsReference(string name)
    {
        var kernel = KernelTable.Depthwise.Single(k => k.Info.Name == name);
        if (!Runs(kernel.Info))
        {
            output.WriteLine($"{name}: this process cannot run {kernel.Info.Isa} ({IsaSupport.Describe()})");
            return;
        }
        int cases = 0;
        foreach (var c in ShapeMatrix.Depthwise(small: !Vector128.IsHardwareAccelerated).Where(c => c.Geometry.N * c.Geometry.OutH >= 3))
        {
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.DepthwiseInRowRanges(kernel, c)), $"{name} split into row ranges differs from the reference on {c}");
            cases++;
        }
        Assert.True(cases > 0);
        output.WriteLine($"{name}: {cases} cases exact in row ranges");
    }

    [Theory]
    [MemberData(nameof(DepthwiseKernels))]
    public void DepthwiseKernelRunAsThreadTasksEqualsReference(string name)
    {
        var kernel = KernelTable.Depthwise.Single(k => k.Info.Name == name);
        if (!Runs(kernel.Info))
        {
            output.WriteLine($"{name}: this process cannot run {kernel.Info.Isa} ({IsaSupport.Describe()})");
            return;
        }
        int cases = 0;
        foreach (var c in ShapeMatrix.Depthwise(small: !Vector128.IsHardwareAccelerated))
            foreach (int threads in new[] { 2, 3 })
            {
                Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.DepthwiseInTasks(kernel, c, threads)), $"{name} in tasks for {threads} threads differs from the reference on {c}");
                cases++;
            }
        output.WriteLine($"{name}: {cases} task splits exact");
    }
}
