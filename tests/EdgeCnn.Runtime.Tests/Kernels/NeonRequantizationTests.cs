using System.Runtime.Intrinsics;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Quantization;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The NEON output stage (FCVTNS and saturating narrows) equals the reference requantization on ties,
/// clamp boundaries, fused ReLU ranges and accumulators that saturate every intermediate width.
/// </summary>
public class NeonRequantizationTests
{
    public static TheoryData<int, int, int> Ranges => new()
    {
        { 0, -128, 127 }, { -128, -128, 127 }, { 127, -128, 127 }, { 5, 5, 127 }, { -20, -20, 40 }, { 60, 60, 60 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void EqualsTheReferenceRule(int zp, int qmin, int qmax)
    {
        var q = new Requantization(zp, qmin, qmax);
        var random = new Random(zp * 1000 + qmin + qmax);
        float[] multipliers = [1f, 0.5f, 0.25f, 1e-3f, 3.7e-5f, 1e6f, 1e12f, 0.0078125f];
        var accs = new List<int> { 0, 1, -1, int.MaxValue, int.MinValue, 32767, 32768, -32769, 128, -129 };
        for (int i = -600; i <= 600; i++) accs.Add(i);
        for (int i = 0; i < 4000; i++) accs.Add(random.Next(int.MinValue, int.MaxValue) >> random.Next(0, 31));
        for (int start = 0; start + 8 <= accs.Count; start += 8)
            foreach (float m in multipliers)
            {
                var acc0 = Vector128.Create(accs[start], accs[start + 1], accs[start + 2], accs[start + 3]);
                var acc1 = Vector128.Create(accs[start + 4], accs[start + 5], accs[start + 6], accs[start + 7]);
                var m0 = Vector128.Create(m, m * 0.5f, m * 1.5f, m);
                var m1 = Vector128.Create(m * 0.75f, m, m * 2f, m * 0.125f);
                var emulated = new NeonRequantization<EmulatedNeonSimd>(q).Apply(acc0, acc1, m0, m1);
                var portable = new NeonRequantization<PortableSimd>(q).Apply(acc0, acc1, m0, m1);
                for (int lane = 0; lane < 8; lane++)
                {
                    int acc = lane < 4 ? acc0.GetElement(lane) : acc1.GetElement(lane - 4);
                    float multiplier = lane < 4 ? m0.GetElement(lane) : m1.GetElement(lane - 4);
                    sbyte expected = QuantMath.Requantize(acc, multiplier, zp, qmin, qmax);
                    Assert.True(expected == emulated.GetElement(lane), $"emulated: acc {acc} x {multiplier} zp {zp} [{qmin}, {qmax}]: expected {expected}, got {emulated.GetElement(lane)}");
                    Assert.True(expected == portable.GetElement(lane), $"portable: acc {acc} x {multiplier} zp {zp} [{qmin}, {qmax}]: expected {expected}, got {portable.GetElement(lane)}");
                }
            }
    }
}
