namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Generated problem sets that hit every tail: channel counts below, at and above the tiles (8 and 16
/// output channels; 4-value reduction groups), 1x1 spatial, odd widths, stride 2, padding on each side,
/// dilation, the 3-channel first layer, and fully connected shapes.
/// </summary>
public static class ShapeMatrix
{
    /// <summary>Convolutions with one group (the GEMM kernels' problems).</summary>
    public static IEnumerable<ConvCase> Gemm(bool small = false)
    {
        int seed = 100;
        int[] outChannels = small ? [1, 8, 9, 17] : [1, 5, 8, 9, 15, 16, 17, 33];
        int[] inChannels = small ? [1, 4, 7] : [1, 3, 4, 5, 8, 17, 40];
        foreach (int oc in outChannels)
            foreach (int ic in inChannels)
                yield return ConvCase.Create("1x1", seed++, 1, 3, 5, ic, oc, 1, relu: oc % 2 == 1);
        // Rows below, at and above the 6- and 8-row tiles; 1x1 spatial; batch 2.
        foreach (var (h, w) in new[] { (1, 1), (1, 6), (2, 4), (3, 3), (1, 13) })
            yield return ConvCase.Create("rows", seed++, 1, h, w, 12, 16, 1);
        yield return ConvCase.Create("batch", seed++, 2, 3, 3, 9, 10, 1, emptyBias: true);
        yield return ConvCase.Create("1x1 stride 2", seed++, 1, 7, 6, 8, 12, 1, stride: 2);
        yield return ConvCase.Create("3x3 pad 1", seed++, 1, 5, 7, 8, 16, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("first layer", seed++, 1, 9, 11, 3, 16, 3, stride: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1, relu: true);
        yield return ConvCase.Create("pad top", seed++, 1, 4, 5, 5, 9, 3, padTop: 2);
        yield return ConvCase.Create("pad left", seed++, 1, 4, 5, 5, 9, 3, padLeft: 2);
        yield return ConvCase.Create("pad bottom", seed++, 1, 4, 5, 5, 9, 3, padBottom: 2);
        yield return ConvCase.Create("pad right", seed++, 1, 4, 5, 5, 9, 3, padRight: 2);
        yield return ConvCase.Create("1x1 pad", seed++, 1, 3, 3, 6, 7, 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("dilation", seed++, 1, 7, 7, 6, 10, 3, dilation: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2);
        // Window rows of whole 16-byte groups (3 x 16 and 3 x 32 bytes): the 4x4c16 kernel packs the tiles
        // inside the borders straight from the input, the border tiles through im2col.
        yield return ConvCase.Create("3x3 window rows in place", seed++, 1, 9, 7, 16, 20, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("3x3 stride 2 window rows in place", seed++, 2, 9, 10, 32, 8, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, relu: true);
        if (!small)
        {
            yield return ConvCase.Create("5x5 stride 2", seed++, 1, 9, 8, 7, 20, 5, stride: 2, padTop: 2, padLeft: 1, padBottom: 2, padRight: 2);
            yield return ConvCase.Create("wide", seed++, 1, 4, 4, 130, 40, 1);
            yield return ConvCase.Create("fully connected", seed++, 1, 1, 1, 257, 10, 1);
            yield return ConvCase.Create("fully connected batch", seed++, 3, 1, 1, 33, 17, 1, relu: true);
            // K = 3 * 3 * 520 makes each packed row tile 28 KiB or more, so 64 rows span several panel chunks
            // (GemmKernel.PanelChunkBytes): every column tile runs over each chunk in turn.
            yield return ConvCase.Create("several panel chunks", seed++, 1, 8, 8, 520, 20, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        }
    }

    /// <summary>
    /// Convolutions with 1 to 4 input channels (first layers): whole 8-pixel tiles inside the input and
    /// tiles crossing every border, a tile spanning two output rows, rows past the last whole tile,
    /// output channels below, at and above the 8-channel tile, stride 1 and 2, batch 2.
    /// </summary>
    public static IEnumerable<ConvCase> FirstLayer()
    {
        int seed = 900;
        foreach (int oc in new[] { 1, 8, 17, 32 })
        {
            yield return ConvCase.Create("rgb 3x3 s2 pad 1", seed++, 1, 19, 33, 3, oc, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, relu: oc % 2 == 0);
            yield return ConvCase.Create("rgb 3x3 s2 pad bottom right", seed++, 1, 20, 36, 3, oc, 3, stride: 2, padBottom: 1, padRight: 1);
        }
        yield return ConvCase.Create("rgb 3x3 s1", seed++, 1, 5, 12, 3, 16, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("rgb 3x3 s2 batch", seed++, 2, 9, 21, 3, 8, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, emptyBias: true);
        yield return ConvCase.Create("rgb 3x3 no pad", seed++, 1, 5, 19, 3, 9, 3, stride: 2);
        yield return ConvCase.Create("gray 3x3 s1", seed++, 1, 6, 14, 1, 8, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("rgba 3x3 s1", seed++, 1, 4, 13, 4, 8, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("rgba 3x3 s2", seed++, 1, 7, 21, 4, 8, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
        yield return ConvCase.Create("gray 5x5 s2", seed++, 1, 9, 25, 1, 12, 5, stride: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2);
        yield return ConvCase.Create("rgb 1x1", seed++, 1, 3, 5, 3, 8, 1);
        yield return ConvCase.Create("rgb 3x3 tiny", seed++, 1, 2, 2, 3, 8, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1);
    }

    /// <summary>Depthwise convolutions (depth multiplier 1).</summary>
    public static IEnumerable<ConvCase> Depthwise(bool small = false)
    {
        int seed = 500;
        int[] channels = small ? [1, 8, 9, 17] : [1, 7, 8, 9, 15, 16, 17, 24, 33];
        foreach (int c in channels)
        {
            yield return ConvCase.Create("dw3x3 s1", seed++, 1, 5, 7, c, c, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true, relu: c % 2 == 0);
            yield return ConvCase.Create("dw3x3 s2", seed++, 1, 7, 6, c, c, 3, stride: 2, padTop: 0, padLeft: 1, padBottom: 1, padRight: 0, depthwise: true);
        }
        yield return ConvCase.Create("dw 1x1 spatial", seed++, 1, 1, 1, 16, 16, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        yield return ConvCase.Create("dw no pad", seed++, 2, 4, 5, 16, 16, 3, depthwise: true, emptyBias: true);
        yield return ConvCase.Create("dw pad top", seed++, 1, 4, 5, 16, 16, 3, padTop: 2, depthwise: true);
        yield return ConvCase.Create("dw pad left", seed++, 1, 4, 5, 16, 16, 3, padLeft: 2, depthwise: true);
        yield return ConvCase.Create("dw pad bottom", seed++, 1, 4, 5, 16, 16, 3, padBottom: 2, depthwise: true);
        yield return ConvCase.Create("dw pad right", seed++, 1, 4, 5, 16, 16, 3, padRight: 2, depthwise: true);
        // The 3x3 row kernels: width 1, odd widths, stride 2 with every padding side, rows of the window
        // above and below the input, no interior column, height 1 and vertical stride 2.
        yield return ConvCase.Create("dw3x3 width 1", seed++, 1, 5, 1, 9, 9, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        yield return ConvCase.Create("dw3x3 s1 odd width", seed++, 1, 3, 9, 16, 16, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true, relu: true);
        yield return ConvCase.Create("dw3x3 s2 pad all", seed++, 1, 7, 9, 17, 17, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        yield return ConvCase.Create("dw3x3 s2 pad right", seed++, 1, 6, 8, 8, 8, 3, stride: 2, padBottom: 1, padRight: 1, depthwise: true);
        yield return ConvCase.Create("dw3x3 s2 pad left", seed++, 1, 6, 7, 16, 16, 3, stride: 2, padTop: 1, padLeft: 1, depthwise: true);
        yield return ConvCase.Create("dw3x3 height 1", seed++, 1, 1, 6, 8, 8, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
        yield return ConvCase.Create("dw3x3 width 2 pad 2", seed++, 1, 4, 2, 8, 8, 3, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2, depthwise: true);
        if (!small)
        {
            yield return ConvCase.Create("dw5x5 s2", seed++, 1, 9, 9, 24, 24, 5, stride: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2, depthwise: true);
            yield return ConvCase.Create("dw3x3 two blocks and a tail", seed++, 1, 6, 7, 80, 80, 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true, relu: true);
            yield return ConvCase.Create("dw3x3 s2 wide", seed++, 2, 9, 8, 64, 64, 3, stride: 2, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
            yield return ConvCase.Create("dw3x3 s3", seed++, 1, 10, 11, 40, 40, 3, stride: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, depthwise: true);
            yield return ConvCase.Create("dw dilation", seed++, 1, 7, 7, 16, 16, 3, dilation: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2, depthwise: true);
        }
    }
}
