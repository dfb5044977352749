using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// The emulated Arm instructions on hand-computed values (from the A64 definitions: sign-extend each
/// element, multiply at full width, add modulo 2^32), and the portable struct agrees with the emulation.
/// </summary>
public class EmulatedNeonSimdTests
{
    private static readonly Vector128<sbyte> A = Vector128.Create((sbyte)-128, 127, -1, 2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12, 13, -14);
    private static readonly Vector128<sbyte> B = Vector128.Create((sbyte)-128, -128, 127, 1, 2, 3, 4, 5, -1, -2, -3, -4, 100, 101, -102, 103);

    [Fact]
    public void SsublWidensBeforeSubtracting()
    {
        var r = EmulatedNeonSimd.SubtractWideningLower(A.GetLower(), Vector64.Create((sbyte)127));
        Assert.Equal(Vector128.Create((short)-255, 0, -128, -125, -124, -131, -122, -133), r);
    }

    [Fact]
    public void SmlalAndSmlal2MultiplyAtFullWidthAndWrap()
    {
        var a = Vector128.Create((short)-32768, 32767, -2, 3, 1000, -1000, 7, 9);
        var b = Vector128.Create((short)-32768, 32767, 5, -7, 1000, 1000, -7, 9);
        var acc = Vector128.Create(1, int.MaxValue - 1, 10, 0);
        Assert.Equal(Vector128.Create(1 + (1 << 30), unchecked(int.MaxValue - 1 + 32767 * 32767), 0, -21),
            EmulatedNeonSimd.MultiplyWideningLowerAndAdd(acc, a.GetLower(), b.GetLower()));
        Assert.Equal(Vector128.Create(1_000_001, int.MaxValue - 1 - 1_000_000, 10 - 49, 81),
            EmulatedNeonSimd.MultiplyWideningUpperAndAdd(acc, a, b));
    }

    [Fact]
    public void SmlalByElementUsesTheSelectedLane()
    {
        var a = Vector128.Create((short)1, -2, 3, -4, 5, -6, 7, -8);
        var b = Vector128.Create((short)0, 0, 0, 0, 0, -300, 0, 0);
        var acc = Vector128.Create(10, 20, 30, 40);
        Assert.Equal(Vector128.Create(10 - 300, 20 + 600, 30 - 900, 40 + 1200), EmulatedNeonSimd.MultiplyBySelectedScalarWideningLowerAndAdd(acc, a.GetLower(), b, 5));
        Assert.Equal(Vector128.Create(10 - 1500, 20 + 1800, 30 - 2100, 40 + 2400), EmulatedNeonSimd.MultiplyBySelectedScalarWideningUpperAndAdd(acc, a, b, 5));
    }

    [Fact]
    public void SdotByElementSumsFourProductsPerLane()
    {
        var acc = Vector128.Create(1, 2, 3, 4);
        // Quadruplet 2 of B is (-1, -2, -3, -4).
        var expected = Vector128.Create(
            1 + (-128 * -1 + 127 * -2 + -1 * -3 + 2 * -4),
            2 + (3 * -1 + -4 * -2 + 5 * -3 + -6 * -4),
            3 + (7 * -1 + -8 * -2 + 9 * -3 + -10 * -4),
            4 + (11 * -1 + -12 * -2 + 13 * -3 + -14 * -4));
        Assert.Equal(expected, EmulatedNeonSimd.DotProductBySelectedQuadruplet(acc, A, B, 2));
        // All quadruplets of -128 x -128: 4 * 16384 per lane.
        var min = Vector128.Create((sbyte)-128);
        Assert.Equal(Vector128.Create(65536), EmulatedNeonSimd.DotProductBySelectedQuadruplet(Vector128<int>.Zero, min, min, 3));
    }

    [Fact]
    public void SmullAndSmlalOnInt8LanesKeepSixteenBitsAndWrap()
    {
        var a = Vector128.Create((sbyte)-128, 127, -1, 2, 3, -4, 5, -6, -128, -128, 127, 0, 1, 2, -3, 4);
        var b = Vector128.Create((sbyte)-128, -128, 127, 1, 2, 3, 4, 5, -128, 127, -128, 9, 1, -2, 3, 4);
        Assert.Equal(Vector128.Create((short)16384, -16256, -127, 2, 6, -12, 20, -30), EmulatedNeonSimd.MultiplyWideningLower(a.GetLower(), b.GetLower()));
        Assert.Equal(Vector128.Create((short)16384, -16256, -16256, 0, 1, -4, -9, 16), EmulatedNeonSimd.MultiplyWideningLower(a.GetUpper(), b.GetUpper()));
        // 16384 + (-128) * (-128) = 32768 does not fit: the lane wraps to -32768, as the A64 definition says.
        var acc = Vector128.Create((short)16384, 16383, -16256, 7, 0, 0, 32767, -32768);
        Assert.Equal(Vector128.Create((short)-32768, 127, -32512, 7, 1, -4, 32758, -32752), EmulatedNeonSimd.MultiplyWideningLowerAndAdd(acc, a.GetUpper(), b.GetUpper()));
    }

    [Fact]
    public void SadalpSignExtendsEachPairAndAddpAddsNeighbours()
    {
        var a = Vector128.Create((short)-32768, -32768, 32767, 32767, -1, 1, 100, -300);
        var acc = Vector128.Create(1, int.MaxValue, 0, -5);
        Assert.Equal(Vector128.Create(1 - 65536, unchecked(int.MaxValue + 65534), 0, -205), EmulatedNeonSimd.AddPairwiseWideningAndAdd(acc, a));
        Assert.Equal(Vector128.Create(3, 7, unchecked(int.MaxValue + 1), -1), EmulatedNeonSimd.AddPairwise(Vector128.Create(1, 2, 3, 4), Vector128.Create(int.MaxValue, 1, 4, -5)));
    }

    [Fact]
    public void FcvtnsRoundsHalfToEvenAndSaturates()
    {
        var ties = Vector128.Create(0.5f, 1.5f, -2.5f, -0.5f);
        var extremes = Vector128.Create(3e9f, -3e9f, float.NaN, 126.49999f);
        Assert.Equal(Vector128.Create(0, 2, -2, 0), EmulatedNeonSimd.ConvertToInt32RoundToEven(ties));
        Assert.Equal(Vector128.Create(int.MaxValue, int.MinValue, 0, 126), EmulatedNeonSimd.ConvertToInt32RoundToEven(extremes));
        Assert.Equal(EmulatedNeonSimd.ConvertToInt32RoundToEven(ties), PortableSimd.ConvertToInt32RoundToEven(ties));
        Assert.Equal(EmulatedNeonSimd.ConvertToInt32RoundToEven(extremes), PortableSimd.ConvertToInt32RoundToEven(extremes));
    }

    [Fact]
    public void SqxtnAndSqaddSaturate()
    {
        var wide = Vector128.Create(40000, -40000, 5, -7);
        Assert.Equal(Vector128.Create((short)32767, -32768, 5, -7, -32768, 32767, 0, 1),
            EmulatedNeonSimd.NarrowSaturate(wide, Vector128.Create(int.MinValue, int.MaxValue, 0, 1)));
        var halves = Vector128.Create((short)300, -300, 127, -128, 128, -129, 0, 1);
        Assert.Equal(Vector128.Create((sbyte)127, -128, 127, -128, 127, -128, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8),
            EmulatedNeonSimd.NarrowSaturate(halves, Vector128.Create((short)1, 2, 3, 4, 5, 6, 7, 8)));
        Assert.Equal(Vector128.Create((short)32767, -32768, 0, 100, 0, 0, 0, 0),
            EmulatedNeonSimd.AddSaturate(Vector128.Create((short)32700, -32700, -5, 50, 0, 0, 0, 0), Vector128.Create((short)100, -100, 5, 50, 0, 0, 0, 0)));
    }

    [Fact]
    public void PortableSimdAgreesWithTheEmulationOnRandomValues()
    {
        var random = new Random(9);
        for (int i = 0; i < 200; i++)
        {
            var a8 = RandomVector<sbyte>(random);
            var b8 = RandomVector<sbyte>(random);
            var a16 = RandomVector<short>(random);
            var b16 = RandomVector<short>(random);
            var acc = RandomVector<int>(random);
            Assert.Equal(EmulatedNeonSimd.SubtractWideningLower(a8.GetLower(), b8.GetLower()), PortableSimd.SubtractWideningLower(a8.GetLower(), b8.GetLower()));
            Assert.Equal(EmulatedNeonSimd.MultiplyWideningLowerAndAdd(acc, a16.GetLower(), b16.GetLower()), PortableSimd.MultiplyWideningLowerAndAdd(acc, a16.GetLower(), b16.GetLower()));
            Assert.Equal(EmulatedNeonSimd.MultiplyWideningUpperAndAdd(acc, a16, b16), PortableSimd.MultiplyWideningUpperAndAdd(acc, a16, b16));
            Assert.Equal(EmulatedNeonSimd.MultiplyBySelectedScalarWideningLowerAndAdd(acc, a16.GetLower(), b16, 3), PortableSimd.MultiplyBySelectedScalarWideningLowerAndAdd(acc, a16.GetLower(), b16, 3));
            Assert.Equal(EmulatedNeonSimd.MultiplyBySelectedScalarWideningUpperAndAdd(acc, a16, b16, 6), PortableSimd.MultiplyBySelectedScalarWideningUpperAndAdd(acc, a16, b16, 6));
            Assert.Equal(EmulatedNeonSimd.DotProductBySelectedQuadruplet(acc, a8, b8, 1), PortableSimd.DotProductBySelectedQuadruplet(acc, a8, b8, 1));
            Assert.Equal(EmulatedNeonSimd.MultiplyWideningLower(a8.GetLower(), b8.GetLower()), PortableSimd.MultiplyWideningLower(a8.GetLower(), b8.GetLower()));
            Assert.Equal(EmulatedNeonSimd.MultiplyWideningLowerAndAdd(a16, a8.GetUpper(), b8.GetUpper()), PortableSimd.MultiplyWideningLowerAndAdd(a16, a8.GetUpper(), b8.GetUpper()));
            Assert.Equal(EmulatedNeonSimd.AddPairwiseWideningAndAdd(acc, a16), PortableSimd.AddPairwiseWideningAndAdd(acc, a16));
            Assert.Equal(EmulatedNeonSimd.AddPairwise(acc, b16.AsInt32()), PortableSimd.AddPairwise(acc, b16.AsInt32()));
            var scaled = Vector128.ConvertToSingle(acc) * Vector128.Create(1e-6f);
            Assert.Equal(EmulatedNeonSimd.ConvertToInt32RoundToEven(scaled), PortableSimd.ConvertToInt32RoundToEven(scaled));
            Assert.Equal(EmulatedNeonSimd.NarrowSaturate(acc, b16.AsInt32()), PortableSimd.NarrowSaturate(acc, b16.AsInt32()));
            Assert.Equal(EmulatedNeonSimd.NarrowSaturate(a16, b16), PortableSimd.NarrowSaturate(a16, b16));
            Assert.Equal(EmulatedNeonSimd.AddSaturate(a16, b16), PortableSimd.AddSaturate(a16, b16));
        }
    }

    private static Vector128<T> RandomVector<T>(Random random) where T : struct
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return Vector128.Create(bytes).As<byte, T>();
    }
}
