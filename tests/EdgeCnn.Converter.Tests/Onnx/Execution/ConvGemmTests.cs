using EdgeCnn.Converter.FloatExecution;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>
/// The float executor's packed FMA GEMM convolution against a double-precision direct convolution, on
/// shapes that leave partial row blocks and partial column panels, with strides, dilations and
/// uneven padding; and its two vector widths against each other, which must agree bit for bit.
/// </summary>
public sealed class ConvGemmTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes() => new()
    {
        // channels, outputs, height, width, kernel, stride, dilation, pad begin, pad end
        { 3, 8, 9, 11, 3, 1, 1, 1, 1 },
        { 5, 7, 7, 6, 3, 2, 1, 1, 0 },
        { 16, 13, 5, 5, 1, 1, 1, 0, 0 },
        { 1, 1, 4, 4, 1, 1, 1, 0, 0 },
        { 9, 1, 6, 6, 3, 1, 1, 1, 1 }, // one output channel: a single partial row block
        { 4, 6, 12, 10, 3, 1, 2, 2, 2 },
        { 2, 19, 17, 17, 5, 3, 1, 2, 1 },
        { 33, 12, 6, 7, 3, 1, 1, 0, 2 },
        { 4, 12, 8, 8, 1, 1, 1, 0, 0 }, // whole tiles only (64 pixels, 12 outputs)
        { 8, 6, 4, 8, 3, 1, 1, 1, 1 },
        { 64, 13, 8, 8, 3, 1, 1, 1, 1 }, // K = 576: three blocks of K continued in place
        { 3, 7, 30, 30, 1, 1, 1, 0, 0 }, // 1x1 read in place: 29 panels in two column blocks, partial rows
        { 40, 8, 24, 24, 3, 1, 1, 1, 1 }, // K = 360 over 18 panels: two column blocks, two blocks of K
        { 300, 12, 8, 4, 1, 1, 1, 0, 0 }, // 1x1 in place with K = 300, whole tiles only
        { 64, 70, 6, 7, 3, 1, 1, 1, 1 }, // weights over 64 KiB: panels outer, partial rows and columns
        { 600, 30, 8, 8, 1, 1, 1, 0, 0 }, // the same order for a 1x1 read in place, three blocks of K
    };

    /// <summary>
    /// Bit for bit the scalar chain the microkernel specifies: y = bias, then y = fma(w[p], x under tap p, y)
    /// for p in K order (zeros for the padding), whatever the blocking, the in-place 1x1 path or the edges.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void Equals_the_fused_multiply_add_chain_in_K_order(int c, int m, int h, int w, int k, int stride, int dilation, int padBegin, int padEnd)
    {
        var rnd = new Random(c * 7 + m * 3 + k);
        var x = Random(rnd, c * h * w);
        var weights = Random(rnd, m * c * k * k);
        var bias = Random(rnd, m);
        int span = (k - 1) * dilation + 1;
        int oh = (h + padBegin + padEnd - span) / stride + 1, ow = (w + padBegin + padEnd - span) / stride + 1;
        var g = new SpatialGeometry(k, k, stride, stride, dilation, dilation, padBegin, padBegin, padEnd, padEnd, oh, ow);
        var y = new float[m * oh * ow];
        ConvGemm.Run(x, c, h, w, weights, bias, m, g, y);
        for (int o = 0; o < m; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float acc = bias[o];
            for (int ic = 0; ic < c; ic++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padBegin + ky * dilation, ix = ox * stride - padBegin + kx * dilation;
                float v = iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[(ic * h + iy) * w + ix];
                acc = MathF.FusedMultiplyAdd(weights[((o * c + ic) * k + ky) * k + kx], v, acc);
            }
            Assert.Equal(BitConverter.SingleToInt32Bits(acc), BitConverter.SingleToInt32Bits(y[(o * oh + oy) * ow + ox]));
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Matches_a_double_precision_direct_convolution(int c, int m, int h, int w, int k, int stride, int dilation, int padBegin, int padEnd)
    {
        var rnd = new Random(c * 1000 + m * 10 + k);
        var x = Random(rnd, c * h * w);
        var weights = Random(rnd, m * c * k * k);
        var bias = Random(rnd, m);
        int span = (k - 1) * dilation + 1;
        int oh = (h + padBegin + padEnd - span) / stride + 1, ow = (w + padBegin + padEnd - span) / stride + 1;
        var g = new SpatialGeometry(k, k, stride, stride, dilation, dilation, padBegin, padBegin, padEnd, padEnd, oh, ow);
        var y = new float[m * oh * ow];
        ConvGemm.Run(x, c, h, w, weights, bias, m, g, y);
        for (int o = 0; o < m; o++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            double sum = bias[o], magnitude = Math.Abs(bias[o]);
            for (int ic = 0; ic < c; ic++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padBegin + ky * dilation, ix = ox * stride - padBegin + kx * dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                double product = (double)weights[((o * c + ic) * k + ky) * k + kx] * x[(ic * h + iy) * w + ix];
                sum += product;
                magnitude += Math.Abs(product);
            }
            float actual = y[(o * oh + oy) * ow + ox];
            Assert.True(Math.Abs(actual - sum) <= 1e-6 * magnitude + 1e-7,
                $"output {o} at ({oy},{ox}): {actual:G9}, expected {sum:G9}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void Vector512_and_Vector256_tiles_are_bit_identical(int k)
    {
        const int rows = FloatGemmKernel.Rows;
        var rnd = new Random(k);
        var a = Random(rnd, k * rows);
        var b = Random(rnd, k * 32);
        var bias = Random(rnd, rows);
        var wide = new float[rows * 40]; // row stride 40: the kernel writes rows of an output, not a packed tile
        FloatGemmKernel.Compute512(k, ref a[0], ref b[0], 32, ref bias[0], ref wide[0], 40, accumulate: false);
        // The same 6 x 32 tile as two 6 x 16 tiles: columns 0-15 and 16-31.
        for (int half = 0; half < 2; half++)
        {
            var panel = new float[k * 16];
            for (int p = 0; p < k; p++) Array.Copy(b, p * 32 + half * 16, panel, p * 16, 16);
            var narrow = new float[rows * 16];
            FloatGemmKernel.Compute256(k, ref a[0], ref panel[0], 16, ref bias[0], ref narrow[0], 16, accumulate: false);
            for (int r = 0; r < rows; r++)
            for (int j = 0; j < 16; j++)
                Assert.Equal(BitConverter.SingleToInt32Bits(wide[r * 40 + half * 16 + j]), BitConverter.SingleToInt32Bits(narrow[r * 16 + j]));
        }
    }

    private static float[] Random(Random rnd, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.NextSingle() * 2 - 1;
        return v;
    }
}
