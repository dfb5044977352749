using EdgeCnn.Converter.Tests.Tflite;
using EdgeCnn.Imaging;

namespace EdgeCnn.Converter.Tests.Accuracy;

/// <summary>
/// DeepLab v3 (MobileNet v2 depth 0.5, PASCAL VOC, dilated depthwise convolutions, bilinear upsampling to
/// 513x513) on the Coral bird photo: the per-pixel argmax class map against the mask the full-width model
/// produced. The mask is an 8-bit gray-palette BMP whose values are PASCAL class indices (0 background,
/// 3 bird, a few 1 and 2 pixels).
/// </summary>
public class DeeplabSegmentationTests(ITestOutputHelper output)
{
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    [SharedDataFact]
    public void Bird_class_overlaps_the_full_width_models_mask()
    {
        using var model = CoralModels.Load("deeplabv3_mnv2_dm05_pascal_quant.tflite", "pascal_voc_segmentation_labels.txt");
        int bird = Array.IndexOf(model.Metadata.Labels, "bird");
        Assert.Equal(3, bird);

        using var session = model.CreateSession();
        var photo = CoralModels.LoadImage("bird_segmentation.bmp");
        var mask = CoralModels.LoadImage("bird_segmentation_mask.bmp");
        Assert.Equal(1, mask.Channels); // gray palette: one class index per pixel
        session.SetInput(photo);
        session.Run();

        var shape = session.GetOutputShape(0);
        int height = shape[1], width = shape[2], classes = shape[3];
        Assert.Equal(21, classes);
        var classMap = ArgmaxClassMap(session.GetOutput(0), height, width, classes);
        var maskAtOutputSize = NearestResize(mask, width, height);

        var (intersection, union) = Overlap(classMap, maskAtOutputSize, bird);
        double iou = (double)intersection / union;
        var histogram = classMap.GroupBy(c => c).OrderByDescending(g => g.Count())
            .Select(g => $"{model.Metadata.Labels[g.Key]} {g.Count()}");
        Report($"DeepLab v3 dm0.5 on bird_segmentation.bmp ({photo.Width}x{photo.Height} -> {width}x{height}): "
            + $"bird IoU {iou:F4} (intersection {intersection}, union {union}, mask bird pixels {maskAtOutputSize.Count(v => v == bird)}); "
            + $"predicted classes: {string.Join(", ", histogram)}");
        Assert.True(iou >= 0.7, $"bird IoU {iou:F4} is below 0.7");
    }

    /// <summary>Per pixel, the class with the highest score (the first one on ties, as TFLite's ARG_MAX).</summary>
    public static byte[] ArgmaxClassMap(ReadOnlySpan<float> scores, int height, int width, int classes)
    {
        var map = new byte[height * width];
        for (int p = 0; p < map.Length; p++)
        {
            var pixel = scores.Slice(p * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (pixel[c] > pixel[best]) best = c;
            map[p] = (byte)best;
        }
        return map;
    }

    /// <summary>
    /// A class-index image brought to width x height by nearest neighbour (labels must not be blended);
    /// the identity when the sizes already agree.
    /// </summary>
    public static byte[] NearestResize(Image labels, int width, int height)
    {
        var result = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            int sy = (int)((y + 0.5) * labels.Height / height);
            for (int x = 0; x < width; x++)
            {
                int sx = (int)((x + 0.5) * labels.Width / width);
                result[y * width + x] = labels[sx, sy, 0];
            }
        }
        return result;
    }

    public static (int Intersection, int Union) Overlap(byte[] predicted, byte[] truth, int classIndex)
    {
        Assert.Equal(truth.Length, predicted.Length);
        int intersection = 0, union = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            bool p = predicted[i] == classIndex, t = truth[i] == classIndex;
            if (p && t) intersection++;
            if (p || t) union++;
        }
        return (intersection, union);
    }

    [Fact]
    public void Helpers_compute_argmax_nearest_resize_and_overlap()
    {
        // Two pixels, three classes: argmax picks 2, then 0 (the first of a tie).
        Assert.Equal([2, 0], ArgmaxClassMap([0.1f, 0.2f, 0.7f, 0.5f, 0.5f, 0.0f], 1, 2, 3));

        var labels = new Image(2, 2, 1, [0, 3, 3, 1]);
        Assert.Equal([0, 0, 3, 3, 0, 0, 3, 3, 3, 3, 1, 1, 3, 3, 1, 1], NearestResize(labels, 4, 4));
        Assert.Equal([0, 3, 3, 1], NearestResize(labels, 2, 2));

        Assert.Equal((1, 3), Overlap([3, 3, 0, 1], [3, 0, 3, 1], 3));
    }
}
