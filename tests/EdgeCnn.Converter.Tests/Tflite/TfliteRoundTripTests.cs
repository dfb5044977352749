using EdgeCnn.Converter.Tflite;
using EdgeCnn.Format;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>The importer's output is a valid .ecnn model: it validates, survives write/read, and runs.</summary>
public class TfliteRoundTripTests(ITestOutputHelper output)
{
    [SharedDataTheory]
    [InlineData("mobilenet_v1_0.25_128_quant.tflite")]
    [InlineData("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite")]
    [InlineData("mobilenet_v2_1.0_224_quant.tflite")]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite")]
    [InlineData("deeplabv3_mnv2_dm05_pascal_quant.tflite")]
    public void Imported_model_validates_and_survives_a_write_read_round_trip(string file)
    {
        var model = TfliteImporter.Import(SharedData.CoralModel(file));
        ModelValidator.Validate(model, file);
        var bytes = EcnnWriter.Write(model);
        var back = EcnnReader.Read(bytes, file);
        Assert.Equal(model.Tensors.Count, back.Tensors.Count);
        Assert.Equal(model.Operators.Select(o => o.Type), back.Operators.Select(o => o.Type));
        Assert.Equal(model.Metadata.Producer, back.Metadata.Producer);
        Assert.Equal(model.Metadata.Preprocessing!.Mean, back.Metadata.Preprocessing!.Mean);
        for (int i = 0; i < model.Tensors.Count; i++)
        {
            Assert.Equal(model.Tensors[i].Scales, back.Tensors[i].Scales);
            Assert.Equal(model.Tensors[i].Data, back.Tensors[i].Data);
        }
        output.WriteLine($"{file}: {bytes.Length} bytes as .ecnn");
    }

    /// <summary>
    /// resized_cat.bmp already has MobileNet's 224x224 input size, so its bytes are the quantized input
    /// (uint8 pixels, shifted by 128), as TFLite takes them. Coral's tests classify it as 286 "Egyptian cat".
    /// </summary>
    [SharedDataTheory]
    [InlineData("mobilenet_v2_1.0_224_quant.tflite")]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite")]
    public void Resized_cat_is_an_egyptian_cat(string file)
    {
        var model = TfliteImporter.Import(SharedData.CoralModel(file), SharedData.CoralModel("imagenet_labels.txt"));
        using var edge = EdgeModel.FromDefinition(model);
        using var session = edge.CreateSession();
        var (width, height, rgb) = TestBitmap.Read(SharedData.CoralModel("images/resized_cat.bmp"));
        Assert.Equal((224, 224), (width, height));
        var input = session.InputBuffer;
        for (int i = 0; i < rgb.Length; i++) input[i] = (sbyte)(rgb[i] - 128);
        // An int8 input's zero point may differ from the uint8 one by the shift only; then bytes - 128 are exact.
        Assert.Equal(model.Metadata.Preprocessing!.Mean[0] * 255f - 128f, session.InputZeroPoint, 3);

        session.Run();
        var top = session.TopK(3);
        output.WriteLine($"{file}: {string.Join("; ", top)}");
        Assert.Equal(286, top[0].Index);
        Assert.StartsWith("Egyptian cat", top[0].Label);
    }

    /// <summary>
    /// bird_segmentation.bmp has DeepLab's 513x513 input size. The per-pixel argmax of our class scores
    /// (the importer drops the model's final ARG_MAX) must overlap the reference mask's "bird" class
    /// (index 3; the mask came from the full-width model) with intersection-over-union of at least 0.7.
    /// </summary>
    [SharedDataFact]
    public void Deeplab_segments_the_bird()
    {
        var model = TfliteImporter.Import(SharedData.CoralModel("deeplabv3_mnv2_dm05_pascal_quant.tflite"), SharedData.CoralModel("pascal_voc_segmentation_labels.txt"));
        Assert.Equal("bird", model.Metadata.Labels[3]);
        using var edge = EdgeModel.FromDefinition(model);
        using var session = edge.CreateSession();
        var (width, height, rgb) = TestBitmap.Read(SharedData.CoralModel("images/bird_segmentation.bmp"));
        Assert.Equal((513, 513), (width, height));
        var input = session.InputBuffer;
        for (int i = 0; i < rgb.Length; i++) input[i] = (sbyte)(rgb[i] - 128);

        var scores = session.Run();
        var (_, _, mask) = TestBitmap.ReadIndexed(SharedData.CoralModel("images/bird_segmentation_mask.bmp"));
        const int Bird = 3, Classes = 21;
        int intersection = 0, union = 0;
        for (int p = 0; p < width * height; p++)
        {
            var pixel = scores.Slice(p * Classes, Classes);
            int best = 0;
            for (int c = 1; c < Classes; c++) if (pixel[c] > pixel[best]) best = c;
            bool ours = best == Bird, reference = mask[p] == Bird;
            if (ours && reference) intersection++;
            if (ours || reference) union++;
        }
        double iou = (double)intersection / union;
        output.WriteLine($"bird IoU {iou:F4} ({intersection} / {union} pixels)");
        Assert.True(iou >= 0.7, $"bird IoU {iou:F4} is below 0.7");
    }
}
