using EdgeCnn.Converter.Tflite;
using EdgeCnn.Imaging;

namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>
/// The TF2 per-channel model on Coral's sample photos (the uint8 MobileNet v2, the ImageNet sample and the
/// embedding extractor are in Accuracy/), through the runtime's image decoding and
/// preprocessing (whole image, bilinear resize to the input size; normalization from the metadata the
/// importer derived) and the inference session.
/// </summary>
public class TfliteEndToEndTests(ITestOutputHelper output)
{
    private static float[] Run(EdgeModel edge, string image)
    {
        using var session = edge.CreateSession();
        var preprocessor = new ImagePreprocessor(edge.Metadata, session.InputScale, session.InputZeroPoint);
        preprocessor.Process(ImageDecoder.Load(SharedData.CoralModel(image)), session.InputBuffer);
        return session.Run().ToArray();
    }

    [SharedDataTheory]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite", "images/cat.bmp", 286, "Egyptian cat")]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite", "images/grace_hopper.bmp", 653, "military uniform")]
    public void Classifies_the_sample_photo(string modelFile, string image, int expectedIndex, string expectedLabel)
    {
        var model = TfliteImporter.Import(SharedData.CoralModel(modelFile), SharedData.CoralModel("imagenet_labels.txt"));
        using var edge = EdgeModel.FromDefinition(model);
        var scores = Run(edge, image);
        var top = scores.Select((s, i) => (Score: s, Index: i)).OrderByDescending(p => p.Score).Take(3).ToArray();
        output.WriteLine($"{modelFile} {image}: {string.Join("; ", top.Select(p => $"{p.Index} {model.Metadata.Labels[p.Index]} {p.Score:F4}"))}");
        Assert.Equal(expectedIndex, top[0].Index);
        Assert.StartsWith(expectedLabel, model.Metadata.Labels[top[0].Index]);
    }
}
