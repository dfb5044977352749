using EdgeCnn.Imaging;

namespace EdgeCnn;

public sealed partial class InferenceSession
{
    private ImagePreprocessor? _preprocessor;

    /// <summary>
    /// The preprocessor for this model's input (crop, resize, channel order, normalization folded into
    /// quantization), built from the model's metadata on first use.
    /// </summary>
    public ImagePreprocessor ImagePreprocessor =>
        _preprocessor ??= new ImagePreprocessor(Model.Metadata.Preprocessing, _input.Tensor.Shape, _input.Scale, _input.ZeroPoint);

    /// <summary>Preprocesses <paramref name="image"/> straight into the quantized input tensor.</summary>
    public void SetInput(Image image) => ImagePreprocessor.Process(image, InputBuffer);

    /// <summary>Preprocesses, runs, and returns the top <paramref name="topK"/> classes.</summary>
    public IReadOnlyList<Prediction> Classify(Image image, int topK = 5)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Enter();
        try
        {
            SetInput(image);
            RunCore();
            return TopK(topK);
        }
        finally { Exit(); }
    }
}
