using EdgeCnn.Converter.Tests.Tflite;

namespace EdgeCnn.Converter.Tests.Accuracy;

/// <summary>
/// The two photos the issue names, through the whole chain: TFLite import, BMP decode, whole image
/// resized to 224x224 (bilinear), int8 run, top-k with the model's labels. The expected classes are those
/// an independent TFLite-arithmetic runtime gives.
/// </summary>
public class CoralPhotoClassificationTests(ITestOutputHelper output)
{
    [SharedDataTheory]
    [InlineData("mobilenet_v2_1.0_224_quant.tflite", "cat.bmp", 286, "Egyptian cat")]
    [InlineData("mobilenet_v2_1.0_224_quant.tflite", "grace_hopper.bmp", 653, "military uniform")]
    public void Mobilenet_v2_names_the_photo(string modelFile, string photo, int expectedIndex, string expectedLabel)
    {
        using var model = CoralModels.Load(modelFile, CoralModels.ImageNetLabels);
        using var session = model.CreateSession();
        var pre = session.ImagePreprocessor;
        Assert.Equal((224, 224, 1f), (pre.Width, pre.Height, pre.CropFraction)); // whole image, no crop

        var top = session.Classify(CoralModels.LoadImage(photo), topK: 5);
        var report = $"{modelFile} {photo}: " + string.Join("; ", top.Select(p => $"{p.Index} {p.Label} {p.Score:F3}"));
        output.WriteLine(report);
        Console.WriteLine(report);

        Assert.Equal(expectedIndex, top[0].Index);
        Assert.StartsWith(expectedLabel, top[0].Label);
    }
}
