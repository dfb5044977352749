using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Runtime.Tests.Kernels;

namespace EdgeCnn.KernelBench;

/// <summary>
/// 'verify': every kernel of the table this CPU runs natively, and the emulated NEON rows, against the
/// reference over the tests' shape matrix. Exit code 1 on any difference. This is what runs under
/// qemu-aarch64 on CI, where the NEON rows run on the (emulated) real instructions.
/// </summary>
internal static class Verify
{
    public static int Run()
    {
        int failures = 0, checks = 0;
        var gemmCases = ShapeMatrix.Gemm().ToArray();
        var depthwiseCases = ShapeMatrix.Depthwise().ToArray();
        var expectedGemm = gemmCases.Select(c => c.Expected()).ToArray();
        var expectedDepthwise = depthwiseCases.Select(c => c.Expected()).ToArray();
        var firstLayerCases = ShapeMatrix.FirstLayer().ToArray();
        var expectedFirstLayer = firstLayerCases.Select(c => c.Expected()).ToArray();

        void Check(string name, Func<ConvCase, sbyte[]> run, ConvCase[] cases, sbyte[][] expected)
        {
            int bad = 0;
            for (int i = 0; i < cases.Length; i++)
            {
                checks++;
                var actual = run(cases[i]);
                if (!actual.AsSpan().SequenceEqual(expected[i]))
                {
                    bad++;
                    int first = 0, differing = 0;
                    for (int j = expected[i].Length - 1; j >= 0; j--)
                        if (actual[j] != expected[i][j]) { first = j; differing++; }
                    int channels = cases[i].Geometry.OutC;
                    Console.WriteLine($"  MISMATCH {name}: {cases[i]}: {differing} outputs differ, first at pixel {first / channels} channel {first % channels} (expected {expected[i][first]}, got {actual[first]})");
                }
            }
            failures += bad;
            Console.WriteLine($"  {name,-36} {cases.Length - bad}/{cases.Length} cases exact");
        }

        Console.WriteLine($"verify: {IsaSupport.Describe()}");
        Console.WriteLine($"dispatch: gemm={KernelTable.BestGemm()?.Info.Name ?? "reference"} depthwise={KernelTable.BestDepthwise()?.Info.Name ?? "reference"}");
        foreach (var k in KernelTable.Gemm.Where(k => k.Info.IsSupported))
            Check(k.Info.Name, c => KernelRunner.Gemm(k, c), gemmCases, expectedGemm);
        foreach (var k in KernelTable.Depthwise.Where(k => k.Info.IsSupported))
            Check(k.Info.Name, c => KernelRunner.Depthwise(k, c), depthwiseCases, expectedDepthwise);
        foreach (var k in KernelTable.FirstLayer.Where(k => k.Info.IsSupported))
            Check(k.Info.Name, c => KernelRunner.FirstLayer(k, c), firstLayerCases, expectedFirstLayer);
        foreach (var k in KernelTable.EmulatedGemm)
            Check(k.Info.Name + " (emulated)", c => KernelRunner.Gemm(k, c), gemmCases, expectedGemm);
        foreach (var k in KernelTable.EmulatedDepthwise)
            Check(k.Info.Name + " (emulated)", c => KernelRunner.Depthwise(k, c), depthwiseCases, expectedDepthwise);
        foreach (var k in KernelTable.EmulatedFirstLayer)
            Check(k.Info.Name + " (emulated)", c => KernelRunner.FirstLayer(k, c), firstLayerCases, expectedFirstLayer);
        Console.WriteLine(failures == 0 ? $"verify: all {checks} checks exact" : $"verify: {failures} of {checks} checks differ from the reference");
        return failures == 0 ? 0 : 1;
    }
}
