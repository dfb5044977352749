using EdgeCnn.Kernels.Elementwise;
using EdgeCnn.Reference;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>The element-wise and pooling kernels equal the reference operators bit for bit, on every tail.</summary>
public unsafe class PointwiseKernelTests
{
    private static readonly int[] Counts = [1, 15, 16, 17, 31, 32, 33, 64, 100, 257];

    private unsafe delegate void AddKernel(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in AddQuantization q);
    private unsafe delegate void MulKernel(sbyte* a, sbyte* b, bool bIsScalar, sbyte* output, int count, in MulQuantization q);

    /// <summary>The Vector128 rows always run (in software without hardware vectors); AVX2 when the CPU has it.</summary>
    private static (string, AddKernel)[] AddKernels() => BinaryAvx2.IsSupported
        ? [("Add_Int8_Vector128_16", BinaryVector128.Add), ("Add_Int8_Avx2_32", BinaryAvx2.Add)]
        : [("Add_Int8_Vector128_16", BinaryVector128.Add)];

    private static (string, MulKernel)[] MulKernels() => BinaryAvx2.IsSupported
        ? [("Mul_Int8_Vector128_16", BinaryVector128.Mul), ("Mul_Int8_Avx2_32", BinaryAvx2.Mul)]
        : [("Mul_Int8_Vector128_16", BinaryVector128.Mul)];

    private static sbyte[] Bytes(Random random, int count) => Enumerable.Range(0, count).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();

    [Fact]
    public void AddEqualsReference()
    {
        var random = new Random(41);
        foreach (int count in Counts)
            for (int trial = 0; trial < 4; trial++)
            {
                var a = Bytes(random, count);
                var b = Bytes(random, count);
                int outZp = random.Next(-20, 20);
                var q = AddQuantization.Create(0.02f + (float)random.NextDouble() * 0.1f, random.Next(-128, 128), 0.05f * (float)random.NextDouble() + 0.01f,
                    random.Next(-128, 128), 1f, trial == 3 ? -1f : 1f, 0.07f, outZp, trial == 1 ? outZp : -128, 127);
                var shape = new Shape4(1, 1, 1, count);
                var expected = new sbyte[count];
                Add.Run(a, shape, b, shape, q, expected, shape);
                foreach (var (name, kernel) in AddKernels())
                {
                    var actual = new sbyte[count];
                    fixed (sbyte* pa = a, pb = b, po = actual) kernel(pa, pb, false, po, count, q);
                    Assert.True(expected.SequenceEqual(actual), $"{name}, {count} elements, trial {trial}");
                    // b as one value for every element.
                    var scalarExpected = a.Select(x => q.Apply(x, b[0])).ToArray();
                    fixed (sbyte* pa = a, pb = b, po = actual) kernel(pa, pb, true, po, count, q);
                    Assert.True(scalarExpected.SequenceEqual(actual), $"{name} with a scalar, {count} elements, trial {trial}");
                }
            }
    }

    [Fact]
    public void MulEqualsReference()
    {
        var random = new Random(42);
        foreach (int count in Counts)
            for (int trial = 0; trial < 4; trial++)
            {
                var a = Bytes(random, count);
                var b = Bytes(random, count);
                var q = MulQuantization.Create(0.02f, random.Next(-128, 128), 0.03f + 0.01f * trial, random.Next(-128, 128), 0.5f, random.Next(-30, 30),
                    trial == 2 ? 0 : -128, 127);
                var shape = new Shape4(1, 1, 1, count);
                var expected = new sbyte[count];
                Mul.Run(a, shape, b, shape, q, expected, shape);
                foreach (var (name, kernel) in MulKernels())
                {
                    var actual = new sbyte[count];
                    fixed (sbyte* pa = a, pb = b, po = actual) kernel(pa, pb, false, po, count, q);
                    Assert.True(expected.SequenceEqual(actual), $"{name}, {count} elements, trial {trial}");
                    var scalarExpected = a.Select(x => q.Apply(x, b[0])).ToArray();
                    fixed (sbyte* pa = a, pb = b, po = actual) kernel(pa, pb, true, po, count, q);
                    Assert.True(scalarExpected.SequenceEqual(actual), $"{name} with a scalar, {count} elements, trial {trial}");
                }
            }
    }

    [Fact]
    public void MaxPoolEqualsReference()
    {
        var random = new Random(43);
        foreach (int c in new[] { 1, 15, 16, 17, 40 })
            foreach (var (k, s, pt, pl, pb, pr) in new[] { (2, 2, 0, 0, 0, 0), (3, 2, 1, 1, 1, 1), (3, 1, 1, 0, 0, 2), (3, 2, 0, 1, 1, 0) })
            {
                int h = 7, w = 6;
                var g = new PoolGeometry
                {
                    N = 1, InH = h, InW = w, C = c, KernelH = k, KernelW = k, StrideH = s, StrideW = s,
                    PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr,
                    OutH = (h + pt + pb - k) / s + 1, OutW = (w + pl + pr - k) / s + 1,
                };
                var x = Bytes(random, g.InputShape.Count);
                int qmin = c % 2 == 0 ? -10 : -128;
                var expected = new sbyte[g.OutputShape.Count];
                MaxPool.Run(x, g, qmin, 127, expected);
                var actual = new sbyte[expected.Length];
                fixed (sbyte* px = x, py = actual) PoolVector128.MaxPool(px, py, g, qmin, 127);
                Assert.True(expected.SequenceEqual(actual), $"max pool c{c} k{k} s{s} pads {pt},{pl},{pb},{pr}");
            }
    }

    [Fact]
    public void AvgPoolEqualsReference()
    {
        var random = new Random(45);
        foreach (int c in new[] { 1, 15, 16, 17, 40 })
            foreach (var (k, s, pt, pl, pb, pr) in new[] { (2, 2, 0, 0, 0, 0), (3, 1, 1, 1, 1, 1), (3, 2, 1, 0, 0, 2), (5, 3, 2, 2, 2, 2), (16, 1, 0, 0, 0, 0) })
                foreach (bool countIncludePad in new[] { false, true })
                {
                    int h = k == 16 ? 17 : 7, w = k == 16 ? 16 : 6;
                    var g = new PoolGeometry
                    {
                        N = 2, InH = h, InW = w, C = c, KernelH = k, KernelW = k, StrideH = s, StrideW = s,
                        PadTop = pt, PadLeft = pl, PadBottom = pb, PadRight = pr,
                        OutH = (h + pt + pb - k) / s + 1, OutW = (w + pl + pr - k) / s + 1,
                    };
                    var x = Bytes(random, g.InputShape.Count);
                    int inZp = random.Next(-128, 128), outZp = random.Next(-20, 20), qmin = c % 2 == 0 ? outZp : -128;
                    float ratio = 0.5f + (float)random.NextDouble();
                    var expected = new sbyte[g.OutputShape.Count];
                    AvgPool.Run(x, g, countIncludePad, ratio, inZp, outZp, qmin, 127, expected);
                    var actual = new sbyte[expected.Length];
                    fixed (sbyte* px = x, py = actual) PoolVector128.AvgPool(px, py, g, countIncludePad, ratio, inZp, outZp, qmin, 127);
                    Assert.True(expected.SequenceEqual(actual), $"average pool c{c} k{k} s{s} pads {pt},{pl},{pb},{pr} count pad {countIncludePad}");
                }
    }

    [Fact]
    public void GlobalAvgPoolEqualsReference()
    {
        var random = new Random(44);
        foreach (int c in new[] { 1, 15, 16, 17, 40 })
            foreach (var (n, h, w) in new[] { (1, 1, 1), (1, 7, 7), (2, 3, 5) })
            {
                var shape = new Shape4(n, h, w, c);
                var x = Bytes(random, shape.Count);
                int inZp = random.Next(-128, 128), outZp = random.Next(-20, 20);
                float ratio = 0.5f + (float)random.NextDouble();
                var expected = new sbyte[n * c];
                GlobalAvgPool.Run(x, shape, ratio, inZp, outZp, -128, 127, expected);
                var actual = new sbyte[n * c];
                fixed (sbyte* px = x, py = actual) PoolVector128.GlobalAvgPool(px, shape, ratio, inZp, outZp, -128, 127, py);
                Assert.True(expected.SequenceEqual(actual), $"global average pool {shape}");
            }
    }
}
