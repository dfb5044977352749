using System.Runtime.Intrinsics;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.FirstLayer;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>The first-layer kernels (direct gather into GEMM panels) equal the reference convolution.</summary>
public class FirstLayerKernelTests
{
    public static TheoryData<string> EmulatedKernels => new(KernelTable.EmulatedFirstLayer.Select(k => k.Info.Name));

    [Theory]
    [MemberData(nameof(EmulatedKernels))]
    public void EmulatedFirstLayerEqualsReference(string name)
    {
        var kernel = KernelTable.EmulatedFirstLayer.Single(k => k.Info.Name == name);
        foreach (var c in ShapeMatrix.FirstLayer())
        {
            Assert.True(FirstLayerKernel.Applies(c.Geometry), $"{c} should be a first-layer shape");
            Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.FirstLayer(kernel, c)), $"emulated {name} differs from the reference on {c}");
        }
    }

    [Fact]
    public void NativeFirstLayerEqualsReference()
    {
        foreach (var kernel in KernelTable.FirstLayer.Where(k => k.Info.IsSupported))
            foreach (var c in ShapeMatrix.FirstLayer())
                Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.FirstLayer(kernel, c)), $"{kernel.Info.Name} differs from the reference on {c}");
    }

    /// <summary>
    /// Pixels whose windows lie inside the input are gathered with TBL, one per 4 pixels and reduction
    /// group: 6 per tile and window row for 3x3 on 3 channels (3 groups of 4 bytes, 8 pixels).
    /// </summary>
    [Fact]
    public void SdotKernelGathersInteriorTilesWithTbl()
    {
        var kernel = KernelTable.EmulatedFirstLayer.Single(k => k.Info.Isa == KernelIsa.NeonDot);
        var c = ConvCase.Create("interior", 7, 1, 6, 17, 3, 8, 3, stride: 2); // 2 x 8 pixels, no padding, a spare input row below
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.FirstLayer(kernel, c)));
        Assert.Equal(2 * 3 * 6, counts.Tbl);
        Assert.Equal(2 * 9 * 16, counts.Sdot);
    }

    /// <summary>
    /// The int16 panel of the multiply-by-element kernel, for tiles inside the input: two TBL per pair of
    /// window values (pixels 0-3 and 4-7), 5 pairs per window row of 9 values.
    /// </summary>
    [Fact]
    public void WideningKernelGathersInteriorTilesWithTbl()
    {
        var kernel = KernelTable.EmulatedFirstLayer.Single(k => k.Info.Isa == KernelIsa.Neon);
        var c = ConvCase.Create("interior", 7, 1, 6, 17, 3, 8, 3, stride: 2);
        var counts = EmulatedNeonSimd.Counts;
        counts.Reset();
        Assert.True(c.Expected().AsSpan().SequenceEqual(KernelRunner.FirstLayer(kernel, c)));
        Assert.Equal(2 * 3 * 10, counts.Tbl);
    }

    [Fact]
    public void TableLookupFollowsTheArmDefinition()
    {
        var t0 = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var t1 = t0 + Vector128.Create((sbyte)16);
        var idx = Vector128.Create((byte)0, 31, 16, 15, 32, 255, 7, 20, 1, 2, 3, 4, 5, 6, 64, 17);
        var expected = Vector128.Create((sbyte)0, 31, 16, 15, 0, 0, 7, 20, 1, 2, 3, 4, 5, 6, 0, 17);
        Assert.Equal(expected, EmulatedNeonSimd.VectorTableLookup2(t0, t1, idx));
        Assert.Equal(expected, PortableSimd.VectorTableLookup2(t0, t1, idx));
    }
}
