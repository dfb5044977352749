using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Imaging;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Datasets;

/// <summary>
/// Turns an image into the model's input exactly as the board will: the runtime's
/// <see cref="ImagePreprocessor"/> (resize, crop, channel order, pixels scaled to [0,1], then
/// (x - mean) / std). Gives NCHW float for the float executor and NHWC float for an int8 session.
/// </summary>
public sealed class ModelInputBuilder
{
    // A preprocessor caches resizers and is not thread-safe; calibration builds inputs for several
    // images at once, so each call borrows one of its own (made on first need) instead of queueing
    // behind a lock.
    private readonly Preprocessing _preprocessing;
    private readonly ConcurrentBag<ImagePreprocessor> _preprocessors = [];
    private readonly int _outputLength;

    /// <param name="nhwcShape">[1, H, W, C] with C = 1 or 3.</param>
    public ModelInputBuilder(Preprocessing preprocessing, int[] nhwcShape)
    {
        ImagePreprocessor first;
        try { first = new ImagePreprocessor(preprocessing, nhwcShape, 1f, 0); }
        catch (ArgumentException e) { throw new ConversionException($"model input: {e.Message}", e); }
        _preprocessing = preprocessing;
        _outputLength = first.OutputLength;
        _preprocessors.Add(first);
        NhwcShape = nhwcShape;
        NchwShape = [nhwcShape[0], nhwcShape[3], nhwcShape[1], nhwcShape[2]];
    }

    public int[] NhwcShape { get; }
    public int[] NchwShape { get; }

    /// <summary>The preprocessed image in NHWC order (a new array). Safe to call from several threads.</summary>
    public float[] Nhwc(Image image)
    {
        var nhwc = new float[_outputLength];
        if (!_preprocessors.TryTake(out var preprocessor)) preprocessor = new ImagePreprocessor(_preprocessing, NhwcShape, 1f, 0);
        try { preprocessor.ProcessFloat(image, nhwc); }
        finally { _preprocessors.Add(preprocessor); }
        return nhwc;
    }

    /// <summary>The preprocessed image as an NCHW tensor for the float executor. Safe to call from several threads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Tensor Nchw(Image image)
    {
        var nhwc = Nhwc(image);
        int h = NhwcShape[1], w = NhwcShape[2], c = NhwcShape[3], plane = h * w;
        var nchw = new float[nhwc.Length];
        // Channel k of pixel i goes to plane k: one pass over the pixels, one sequential writer per plane.
        for (int k = 0; k < c; k++)
        {
            var target = nchw.AsSpan(k * plane, plane);
            for (int i = 0, at = k; i < target.Length; i++, at += c) target[i] = nhwc[at];
        }
        return new Tensor(NchwShape, nchw);
    }
}
