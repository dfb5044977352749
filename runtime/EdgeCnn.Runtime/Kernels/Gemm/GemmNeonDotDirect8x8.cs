using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Kernels.Isa;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Gemm_Int8_NeonDotDirect_8x8 (Cortex-A76 and later): the SDOT GEMM without packing the activations.
/// The packed kernel (<see cref="GemmNeonDot8x8{TSimd}"/>) takes the by-element operand from a panel
/// [K/4][8 rows][4] that must be gathered first; here the roles are swapped so rows are read where they
/// lie: one 16-byte load of a row holds 4 reduction groups, and SDOT by element selects group j of it
/// (lane j) against the weight vector of group j (4 channels x 4 values, B packed exactly as for the
/// packed kernel). Per 16 reduction values: 8 row loads, 8 weight loads and 64 SDOT (16 MACs each).
/// A 1x1 convolution reads its input in place; an im2col row is still gathered into scratch first.
/// <para>
/// Each row tile runs every column tile of its range in turn, so B is read once per 8 rows: layers with
/// more than one row tile whose weights exceed <see cref="DirectWeightBytes"/> (more than half a
/// Cortex-A76 L2) run the packed kernel instead, which reads each B tile once per chunk of packed rows.
/// A last row tile of at most 4 rows runs a 4x8 tile (small-M layers: M = 49, 196, a batch-1 classifier).
/// </para>
/// </summary>
internal sealed unsafe class GemmNeonDotDirect8x8<TSimd> : GemmKernel where TSimd : struct, IArmSimd
{
    public const int DirectWeightBytes = 256 * 1024;

    private readonly GemmKernel<GemmNeonDot8x8<TSimd>> _packed;

    public GemmNeonDotDirect8x8(KernelInfo info) : base(info)
    {
        _packed = new GemmKernel<GemmNeonDot8x8<TSimd>>(info);
        if (info.TileRows != 8 || info.TileChannels != 8 || info.KGroup != 4)
            throw new ArgumentException($"kernel table row {info} does not match the 8x8 SDOT tile");
    }

    public override GemmLayout Layout => GemmNeonDot8x8<TSimd>.Layout;

    public override void Run(in GemmRows rows, int m, PackedGemmWeights w, int mTileBegin, int mTileEnd,
        int nTileBegin, int nTileEnd, sbyte* output, int outputStride, byte* scratch)
    {
        if (w.Layout != Layout) throw new ArgumentException($"weights packed for {w.Layout}, kernel {Info.Name} needs {Layout}");
        if ((long)w.N * w.K > DirectWeightBytes && MTiles(m) > 1)
        {
            _packed.Run(rows, m, w, mTileBegin, mTileEnd, nTileBegin, nTileEnd, output, outputStride, scratch);
            return;
        }
        int k = w.K, n = w.N;
        sbyte* im2col = (sbyte*)(((nint)scratch + 63) & ~(nint)63);
        nint* offsets = stackalloc nint[8];
        sbyte* tail = stackalloc sbyte[8 * 16];
        sbyte* partial = stackalloc sbyte[64];
        var q = w.Requantization;
        byte* b = w.B;
        int tileBytes = w.TileBytes;
        for (int mt = mTileBegin; mt < mTileEnd; mt++)
        {
            int m0 = mt * 8, valid = Math.Min(8, m - m0);
            // Rows are gathered per row tile when they need im2col; in place they cost nothing.
            sbyte* first = rows.Row(m0, im2col);
            offsets[0] = 0;
            for (int r = 1; r < 8; r++)
            {
                sbyte* row = r < valid ? rows.Row(m0 + r, im2col + (nint)r * k) : first + offsets[valid - 1];
                offsets[r] = (nint)(row - first);
            }
            int blocks = k / 16, rest = k - 16 * blocks;
            if (rest > 0)
            {
                // The last 1-15 values of each row, zero-extended to 16 bytes (B is zero past K).
                for (int r = 0; r < 8; r++)
                {
                    sbyte* src = first + offsets[r] + 16 * blocks;
                    for (int i = 0; i < 16; i++) tail[16 * r + i] = i < rest ? src[i] : (sbyte)0;
                }
            }
            // Whole column tiles of whole row tiles in one call; the rest one tile at a time through a buffer.
            int fullEnd = valid == 8 ? Math.Min(nTileEnd, n / 8) : nTileBegin;
            if (fullEnd > nTileBegin)
                Tiles(fullEnd - nTileBegin, first, offsets, blocks, rest, tail, b + (nint)nTileBegin * tileBytes, tileBytes,
                    w.Bias + 8 * nTileBegin, w.Multipliers + 8 * nTileBegin, q, output + (nint)m0 * outputStride + 8 * nTileBegin, outputStride);
            for (int t = Math.Max(fullEnd, nTileBegin); t < nTileEnd; t++)
            {
                int n0 = t * 8, cols = Math.Min(8, n - n0);
                if (valid <= 4)
                    FourRows(first, offsets, blocks, rest, tail, b + (nint)t * tileBytes, w.Bias + n0, w.Multipliers + n0, q, partial, 8);
                else
                    Tiles(1, first, offsets, blocks, rest, tail, b + (nint)t * tileBytes, tileBytes, w.Bias + n0, w.Multipliers + n0, q, partial, 8);
                sbyte* c = output + (nint)m0 * outputStride + n0;
                for (int r = 0; r < valid; r++)
                    Buffer.MemoryCopy(partial + r * 8, c + (nint)r * outputStride, cols, cols);
            }
        }
    }

    /// <summary>
    /// <paramref name="tiles"/> adjacent 8x8 column tiles of one row tile: rows at a + offsets[r], their last
    /// <paramref name="rest"/> values (if any) in <paramref name="tail"/>; outputs at c, rows cStride apart.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tiles(int tiles, sbyte* rowsBase, nint* offsets, int blocks, int rest, sbyte* tail, byte* bTiles, int tileBytes,
        int* bias, float* multipliers, in Requantization q, sbyte* c, nint cStride)
    {
        var requantize = new NeonRequantization<TSimd>(q);
        nint o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4], o5 = offsets[5], o6 = offsets[6], o7 = offsets[7];
        for (int t = 0; t < tiles; t++, bTiles += tileBytes, bias += 8, multipliers += 8, c += 8)
        {
            sbyte* a = rowsBase;
            byte* b = bTiles;
            var bias0 = Vector128.Load(bias);
            var bias1 = Vector128.Load(bias + 4);
            Vector128<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
            Vector128<int> c40 = bias0, c41 = bias1, c50 = bias0, c51 = bias1, c60 = bias0, c61 = bias1, c70 = bias0, c71 = bias1;
            for (int blk = 0; blk <= blocks; blk++)
            {
                Vector128<sbyte> r0, r1, r2, r3, r4, r5, r6, r7;
                int groups = 4;
                if (blk < blocks)
                {
                    r0 = Vector128.Load(a); r1 = Vector128.Load(a + o1); r2 = Vector128.Load(a + o2); r3 = Vector128.Load(a + o3);
                    r4 = Vector128.Load(a + o4); r5 = Vector128.Load(a + o5); r6 = Vector128.Load(a + o6); r7 = Vector128.Load(a + o7);
                    a += 16;
                }
                else
                {
                    if (rest == 0) break;
                    r0 = Vector128.Load(tail); r1 = Vector128.Load(tail + 16); r2 = Vector128.Load(tail + 32); r3 = Vector128.Load(tail + 48);
                    r4 = Vector128.Load(tail + 64); r5 = Vector128.Load(tail + 80); r6 = Vector128.Load(tail + 96); r7 = Vector128.Load(tail + 112);
                    groups = (rest + 3) / 4;
                }
                Group(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51,
                    ref c60, ref c61, ref c70, ref c71, r0, r1, r2, r3, r4, r5, r6, r7, b, 0);
                if (groups > 1)
                    Group(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51,
                        ref c60, ref c61, ref c70, ref c71, r0, r1, r2, r3, r4, r5, r6, r7, b + 32, 1);
                if (groups > 2)
                    Group(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51,
                        ref c60, ref c61, ref c70, ref c71, r0, r1, r2, r3, r4, r5, r6, r7, b + 64, 2);
                if (groups > 3)
                    Group(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51,
                        ref c60, ref c61, ref c70, ref c71, r0, r1, r2, r3, r4, r5, r6, r7, b + 96, 3);
                b += 128;
            }
            var m0 = Vector128.Load(multipliers);
            var m1 = Vector128.Load(multipliers + 4);
            requantize.Apply(c00, c01, m0, m1).Store(c);
            requantize.Apply(c10, c11, m0, m1).Store(c + cStride);
            requantize.Apply(c20, c21, m0, m1).Store(c + 2 * cStride);
            requantize.Apply(c30, c31, m0, m1).Store(c + 3 * cStride);
            requantize.Apply(c40, c41, m0, m1).Store(c + 4 * cStride);
            requantize.Apply(c50, c51, m0, m1).Store(c + 5 * cStride);
            requantize.Apply(c60, c61, m0, m1).Store(c + 6 * cStride);
            requantize.Apply(c70, c71, m0, m1).Store(c + 7 * cStride);
        }
    }

    /// <summary>Rows 0-3 of one column tile: 8 SDOT per reduction group instead of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(sbyte* a, nint* offsets, int blocks, int rest, sbyte* tail, byte* b, int* bias, float* multipliers,
        in Requantization q, sbyte* c, nint cStride)
    {
        var bias0 = Vector128.Load(bias);
        var bias1 = Vector128.Load(bias + 4);
        Vector128<int> c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1, c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
        nint o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
        for (int blk = 0; blk <= blocks; blk++)
        {
            Vector128<sbyte> r0, r1, r2, r3;
            int groups = 4;
            if (blk < blocks)
            {
                r0 = Vector128.Load(a); r1 = Vector128.Load(a + o1); r2 = Vector128.Load(a + o2); r3 = Vector128.Load(a + o3);
                a += 16;
            }
            else
            {
                if (rest == 0) break;
                r0 = Vector128.Load(tail); r1 = Vector128.Load(tail + 16); r2 = Vector128.Load(tail + 32); r3 = Vector128.Load(tail + 48);
                groups = (rest + 3) / 4;
            }
            Four(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, r0, r1, r2, r3, b, 0);
            if (groups > 1) Four(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, r0, r1, r2, r3, b + 32, 1);
            if (groups > 2) Four(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, r0, r1, r2, r3, b + 64, 2);
            if (groups > 3) Four(ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, r0, r1, r2, r3, b + 96, 3);
            b += 128;
        }
        var requantize = new NeonRequantization<TSimd>(q);
        var m0 = Vector128.Load(multipliers);
        var m1 = Vector128.Load(multipliers + 4);
        requantize.Apply(c00, c01, m0, m1).Store(c);
        requantize.Apply(c10, c11, m0, m1).Store(c + cStride);
        requantize.Apply(c20, c21, m0, m1).Store(c + 2 * cStride);
        requantize.Apply(c30, c31, m0, m1).Store(c + 3 * cStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Four(ref Vector128<int> c00, ref Vector128<int> c01, ref Vector128<int> c10, ref Vector128<int> c11,
        ref Vector128<int> c20, ref Vector128<int> c21, ref Vector128<int> c30, ref Vector128<int> c31,
        Vector128<sbyte> r0, Vector128<sbyte> r1, Vector128<sbyte> r2, Vector128<sbyte> r3, byte* b,
        [System.Diagnostics.CodeAnalysis.ConstantExpected(Max = (byte)3)] byte lane)
    {
        var b0 = Vector128.Load((sbyte*)b);
        var b1 = Vector128.Load((sbyte*)b + 16);
        c00 = TSimd.DotProductBySelectedQuadruplet(c00, b0, r0, lane);
        c01 = TSimd.DotProductBySelectedQuadruplet(c01, b1, r0, lane);
        c10 = TSimd.DotProductBySelectedQuadruplet(c10, b0, r1, lane);
        c11 = TSimd.DotProductBySelectedQuadruplet(c11, b1, r1, lane);
        c20 = TSimd.DotProductBySelectedQuadruplet(c20, b0, r2, lane);
        c21 = TSimd.DotProductBySelectedQuadruplet(c21, b1, r2, lane);
        c30 = TSimd.DotProductBySelectedQuadruplet(c30, b0, r3, lane);
        c31 = TSimd.DotProductBySelectedQuadruplet(c31, b1, r3, lane);
    }

    /// <summary>Reduction group <paramref name="lane"/> of the current 16 values: weights of channels 0-3 and 4-7 against each row's lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group(ref Vector128<int> c00, ref Vector128<int> c01, ref Vector128<int> c10, ref Vector128<int> c11,
        ref Vector128<int> c20, ref Vector128<int> c21, ref Vector128<int> c30, ref Vector128<int> c31,
        ref Vector128<int> c40, ref Vector128<int> c41, ref Vector128<int> c50, ref Vector128<int> c51,
        ref Vector128<int> c60, ref Vector128<int> c61, ref Vector128<int> c70, ref Vector128<int> c71,
        Vector128<sbyte> r0, Vector128<sbyte> r1, Vector128<sbyte> r2, Vector128<sbyte> r3,
        Vector128<sbyte> r4, Vector128<sbyte> r5, Vector128<sbyte> r6, Vector128<sbyte> r7, byte* b,
        [System.Diagnostics.CodeAnalysis.ConstantExpected(Max = (byte)3)] byte lane)
    {
        var b0 = Vector128.Load((sbyte*)b);
        var b1 = Vector128.Load((sbyte*)b + 16);
        c00 = TSimd.DotProductBySelectedQuadruplet(c00, b0, r0, lane);
        c01 = TSimd.DotProductBySelectedQuadruplet(c01, b1, r0, lane);
        c10 = TSimd.DotProductBySelectedQuadruplet(c10, b0, r1, lane);
        c11 = TSimd.DotProductBySelectedQuadruplet(c11, b1, r1, lane);
        c20 = TSimd.DotProductBySelectedQuadruplet(c20, b0, r2, lane);
        c21 = TSimd.DotProductBySelectedQuadruplet(c21, b1, r2, lane);
        c30 = TSimd.DotProductBySelectedQuadruplet(c30, b0, r3, lane);
        c31 = TSimd.DotProductBySelectedQuadruplet(c31, b1, r3, lane);
        c40 = TSimd.DotProductBySelectedQuadruplet(c40, b0, r4, lane);
        c41 = TSimd.DotProductBySelectedQuadruplet(c41, b1, r4, lane);
        c50 = TSimd.DotProductBySelectedQuadruplet(c50, b0, r5, lane);
        c51 = TSimd.DotProductBySelectedQuadruplet(c51, b1, r5, lane);
        c60 = TSimd.DotProductBySelectedQuadruplet(c60, b0, r6, lane);
        c61 = TSimd.DotProductBySelectedQuadruplet(c61, b1, r6, lane);
        c70 = TSimd.DotProductBySelectedQuadruplet(c70, b0, r7, lane);
        c71 = TSimd.DotProductBySelectedQuadruplet(c71, b1, r7, lane);
    }
}
