using System.Numerics;
using EdgeCnn.Converter.Graph;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// A depthwise convolution, channel by channel: each input plane is copied once into a zero-padded plane
/// (split into column phases when the stride is above 1, so that every tap reads contiguous columns),
/// then each output row is computed a vector of columns at a time: y = bias, then y += w * x tap by tap
/// in (ky, kx) order, the order of the direct loops. 3x3 kernels, nearly all of them in practice, keep
/// their nine weights in registers.
/// </summary>
internal static class DepthwiseConv
{
    /// <param name="x">The input planes, channels x h x w.</param>
    /// <param name="kernels">Each channel's kh x kw weights.</param>
    /// <param name="bias">One value per channel, or empty for none.</param>
    /// <param name="y">The output planes, channels x g.OutH x g.OutW.</param>
    /// <param name="activation">A fused clamp max(min(y, Max), Min) applied as the outputs are stored.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ReadOnlySpan<float> x, int channels, int h, int w, ReadOnlySpan<float> kernels, ReadOnlySpan<float> bias,
        SpatialGeometry g, Span<float> y, FusedActivation activation = default)
    {
        // No activation clamps to the whole float range, which changes nothing (NaN stays NaN).
        float lo = activation.IsNone ? float.NegativeInfinity : activation.Min, hi = activation.IsNone ? float.PositiveInfinity : activation.Max;
        int taps = g.KernelH * g.KernelW, plane = g.OutH * g.OutW;
        // Every channel writes the same interior positions of the padded planes, so the zeros around
        // them are written once.
        var scratch = new float[ScratchLength(h, w, g)];
        var offsets = TapOffsets(h, w, g, out int rowStep);
        for (int ch = 0; ch < channels; ch++)
        {
            CopyInterior(x.Slice(ch * h * w, h * w), h, w, g, scratch);
            var kernel = kernels.Slice(ch * taps, taps);
            float b = bias.IsEmpty ? 0f : bias[ch];
            var output = y.Slice(ch * plane, plane);
            if (taps == 9) Rows3x3(scratch, offsets, kernel, b, lo, hi, g.OutH, g.OutW, rowStep, output);
            else Rows(scratch, offsets, kernel, b, lo, hi, g.OutH, g.OutW, rowStep, output);
        }
    }

    /// <summary>
    /// Scratch floats for an h x w plane: the padded plane in column phases, and one vector more, which
    /// the last row's last vector may read past its row (lanes past the output width are dropped).
    /// </summary>
    public static int ScratchLength(int h, int w, SpatialGeometry g)
    {
        int paddedW = w + g.PadLeft + g.PadRight;
        return g.StrideW * (h + g.PadTop + g.PadBottom) * ((paddedW + g.StrideW - 1) / g.StrideW) + Vector<float>.Count;
    }

    /// <summary>Where tap t of output (oy, ox) lies in the padded planes: oy * rowStep + offsets[t] + ox.</summary>
    private static int[] TapOffsets(int h, int w, SpatialGeometry g, out int rowStep)
    {
        int paddedH = h + g.PadTop + g.PadBottom, paddedW = w + g.PadLeft + g.PadRight;
        int stride = g.StrideW, phaseW = (paddedW + stride - 1) / stride;
        rowStep = g.StrideH * phaseW;
        var offsets = new int[g.KernelH * g.KernelW];
        int last = 0;
        for (int ky = 0; ky < g.KernelH; ky++)
        for (int kx = 0; kx < g.KernelW; kx++)
        {
            int t = ky * g.KernelW + kx, tap = kx * g.DilationW;
            offsets[t] = ((tap % stride) * paddedH + ky * g.DilationH) * phaseW + tap / stride;
            last = Math.Max(last, offsets[t]);
        }
        // The unchecked loads of the row loops stay inside the planes: check the furthest one once.
        int lanes = Vector<float>.Count, vectorWidth = (g.OutW + lanes - 1) / lanes * lanes;
        if ((long)(g.OutH - 1) * rowStep + last + vectorWidth > ScratchLength(h, w, g))
            throw new ArgumentException($"depthwise window ({g.KernelH}x{g.KernelW}) runs past the padded {paddedH}x{paddedW} input");
        return offsets;
    }

    /// <summary>One input plane into the interior of the zero-padded planes (column phases for strides above 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyInterior(ReadOnlySpan<float> x, int h, int w, SpatialGeometry g, Span<float> planes)
    {
        int paddedH = h + g.PadTop + g.PadBottom, paddedW = w + g.PadLeft + g.PadRight;
        int stride = g.StrideW, phaseW = (paddedW + stride - 1) / stride;
        if (stride == 1)
        {
            for (int r = 0; r < h; r++) x.Slice(r * w, w).CopyTo(planes.Slice((r + g.PadTop) * phaseW + g.PadLeft, w));
            return;
        }
        if (stride == 2 && Vector256.IsHardwareAccelerated)
        {
            // Input columns 2j and 2j + 1 go to the two phases at positions that both grow with j.
            int evenPhase = g.PadLeft % 2, evenAt = g.PadLeft / 2, oddAt = (g.PadLeft + 1) / 2;
            for (int r = 0; r < h; r++)
            {
                int rowOffset = (r + g.PadTop) * phaseW;
                Deinterleave(x.Slice(r * w, w), planes[((evenPhase * paddedH) * phaseW + rowOffset + evenAt)..],
                    planes[(((1 - evenPhase) * paddedH) * phaseW + rowOffset + oddAt)..]);
            }
            return;
        }
        // Padded column col = c + PadLeft goes to phase col % stride, position col / stride: phase by
        // phase, every stride-th input column, unchecked (the planes hold every padded row of every phase).
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float target = ref MemoryMarshal.GetReference(planes);
        for (int phase = 0; phase < stride; phase++)
        {
            int first = ((phase - g.PadLeft) % stride + stride) % stride;
            if (first >= w) continue;
            int at = (first + g.PadLeft) / stride, count = (w - first + stride - 1) / stride;
            for (int r = 0; r < h; r++)
            {
                ref float src = ref Unsafe.Add(ref source, r * w + first);
                ref float dst = ref Unsafe.Add(ref target, (phase * paddedH + r + g.PadTop) * phaseW + at);
                for (int i = 0; i < count; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref src, i * stride);
            }
        }
    }

    /// <summary>evens[j] = row[2j], odds[j] = row[2j + 1], eight pairs at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Deinterleave(ReadOnlySpan<float> row, Span<float> evens, Span<float> odds)
    {
        int j = 0, pairs = row.Length / 2;
        ref float source = ref MemoryMarshal.GetReference(row);
        if (evens.Length >= pairs + row.Length % 2 && odds.Length >= pairs)
            for (; j <= pairs - 8; j += 8)
            {
                // Constant indices: the JIT makes each shuffle one permute instruction.
                var a = Vector256.Shuffle(Vector256.LoadUnsafe(ref source, (nuint)(2 * j)), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
                var b = Vector256.Shuffle(Vector256.LoadUnsafe(ref source, (nuint)(2 * j + 8)), Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));
                Vector256.Create(a.GetLower(), b.GetLower()).CopyTo(evens[j..]);
                Vector256.Create(a.GetUpper(), b.GetUpper()).CopyTo(odds[j..]);
            }
        for (; j < pairs; j++)
        {
            evens[j] = row[2 * j];
            odds[j] = row[2 * j + 1];
        }
        if (row.Length % 2 != 0) evens[pairs] = row[^1];
    }

    /// <summary>Any kernel size: the taps in a loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows(ReadOnlySpan<float> planes, int[] offsets, ReadOnlySpan<float> kernel, float bias, float lo, float hi,
        int oh, int ow, int rowStep, Span<float> y)
    {
        int taps = offsets.Length, lanes = Vector<float>.Count;
        Span<Vector<float>> weights = taps <= 64 ? stackalloc Vector<float>[taps] : new Vector<float>[taps];
        for (int t = 0; t < taps; t++) weights[t] = new Vector<float>(kernel[t]);
        ref float origin = ref MemoryMarshal.GetReference(planes);
        var vbias = new Vector<float>(bias);
        var vlo = new Vector<float>(lo);
        var vhi = new Vector<float>(hi);
        for (int oy = 0; oy < oh; oy++)
        {
            int rowBase = oy * rowStep;
            var outRow = y.Slice(oy * ow, ow);
            int ox = 0;
            if (Vector.IsHardwareAccelerated)
                for (; ox < ow; ox += lanes)
                {
                    var acc = vbias;
                    for (int t = 0; t < taps; t++)
                        acc += weights[t] * Vector.LoadUnsafe(ref origin, (nuint)(rowBase + offsets[t] + ox));
                    StoreRow(Vector.Max(Vector.Min(acc, vhi), vlo), outRow, ox);
                }
            for (; ox < ow; ox++)
            {
                float acc = bias;
                for (int t = 0; t < taps; t++) acc += kernel[t] * planes[rowBase + offsets[t] + ox];
                outRow[ox] = MathF.Max(MathF.Min(acc, hi), lo);
            }
        }
    }

    /// <summary>
    /// The lanes of <paramref name="acc"/> that fall inside the row from column <paramref name="ox"/> on:
    /// a row's last vector may run past its end (its loads stay inside the scratch, which has one vector
    /// to spare), and those lanes are dropped.
    /// </summary>
    private static void StoreRow(Vector<float> acc, Span<float> outRow, int ox)
    {
        if (ox <= outRow.Length - Vector<float>.Count)
        {
            acc.CopyTo(outRow[ox..]);
            return;
        }
        for (int lane = 0; ox + lane < outRow.Length; lane++) outRow[ox + lane] = acc[lane];
    }

    /// <summary>3x3: the same sums as <see cref="Rows"/>, with the weights and tap offsets in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows3x3(ReadOnlySpan<float> planes, int[] offsets, ReadOnlySpan<float> kernel, float bias, float lo, float hi,
        int oh, int ow, int rowStep, Span<float> y)
    {
        int lanes = Vector<float>.Count;
        nuint o0 = (nuint)offsets[0], o1 = (nuint)offsets[1], o2 = (nuint)offsets[2], o3 = (nuint)offsets[3], o4 = (nuint)offsets[4],
            o5 = (nuint)offsets[5], o6 = (nuint)offsets[6], o7 = (nuint)offsets[7], o8 = (nuint)offsets[8];
        var w0 = new Vector<float>(kernel[0]); var w1 = new Vector<float>(kernel[1]); var w2 = new Vector<float>(kernel[2]);
        var w3 = new Vector<float>(kernel[3]); var w4 = new Vector<float>(kernel[4]); var w5 = new Vector<float>(kernel[5]);
        var w6 = new Vector<float>(kernel[6]); var w7 = new Vector<float>(kernel[7]); var w8 = new Vector<float>(kernel[8]);
        var vbias = new Vector<float>(bias);
        var vlo = new Vector<float>(lo);
        var vhi = new Vector<float>(hi);
        ref float origin = ref MemoryMarshal.GetReference(planes);
        ref float output = ref MemoryMarshal.GetReference(y);
        for (int oy = 0; oy < oh; oy++)
        {
            ref float row = ref Unsafe.Add(ref origin, oy * rowStep);
            ref float outRow = ref Unsafe.Add(ref output, oy * ow);
            int ox = 0;
            if (Vector.IsHardwareAccelerated)
                for (; ox < ow; ox += lanes)
                {
                    ref float at = ref Unsafe.Add(ref row, ox);
                    var acc = vbias;
                    acc += w0 * Vector.LoadUnsafe(ref at, o0);
                    acc += w1 * Vector.LoadUnsafe(ref at, o1);
                    acc += w2 * Vector.LoadUnsafe(ref at, o2);
                    acc += w3 * Vector.LoadUnsafe(ref at, o3);
                    acc += w4 * Vector.LoadUnsafe(ref at, o4);
                    acc += w5 * Vector.LoadUnsafe(ref at, o5);
                    acc += w6 * Vector.LoadUnsafe(ref at, o6);
                    acc += w7 * Vector.LoadUnsafe(ref at, o7);
                    acc += w8 * Vector.LoadUnsafe(ref at, o8);
                    acc = Vector.Max(Vector.Min(acc, vhi), vlo);
                    if (ox <= ow - lanes) acc.StoreUnsafe(ref outRow, (nuint)ox);
                    else StoreRow(acc, y.Slice(oy * ow, ow), ox);
                }
            for (; ox < ow; ox++)
            {
                float acc = bias;
                for (int t = 0; t < 9; t++) acc += kernel[t] * planes[oy * rowStep + offsets[t] + ox];
                Unsafe.Add(ref outRow, ox) = MathF.Max(MathF.Min(acc, hi), lo);
            }
        }
    }
}
