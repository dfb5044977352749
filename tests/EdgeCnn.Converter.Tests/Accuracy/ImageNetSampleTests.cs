using EdgeCnn.Converter.Tests.Tflite;

namespace EdgeCnn.Converter.Tests.Accuracy;

/// <summary>
/// Top-1 and top-5 accuracy of the five Coral ImageNet classifiers on the shared ImageNet sample
/// (500 photos, one per even class index). The bar is asserted for both MobileNet v2 models;
/// the MobileNet v1 models get floors about six points under what this pipeline measured on the sample
/// (docs/results.md): the arithmetic is deterministic, so only a change of pipeline moves them, and a
/// broken one (wrong label offset, channel order, input scale, resize) falls far below.
/// </summary>
public class ImageNetSampleTests(ImageNetSampleEvaluation evaluation, ITestOutputHelper output) : IClassFixture<ImageNetSampleEvaluation>
{
    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    [ImageNetSampleFact]
    public void Every_file_name_matches_the_coral_label_one_past_its_imagenet_index()
    {
        var labels = File.ReadAllLines(SharedData.CoralModel(CoralModels.ImageNetLabels));
        Assert.Equal(1001, labels.Length);
        Assert.Equal("background", labels[0]);
        var photos = ImageNetSample.ReadAll();
        Assert.Equal(500, photos.Count);
        foreach (var photo in photos)
        {
            var names = labels[photo.ClassIndex + 1].Split(',', StringSplitOptions.TrimEntries);
            Assert.True(names.Contains(photo.NameFromFile, StringComparer.OrdinalIgnoreCase),
                $"{Path.GetFileName(photo.Path)} (class {photo.ClassIndex}) vs label line {photo.ClassIndex + 1} '{labels[photo.ClassIndex + 1]}'");
        }
    }

    [Fact]
    public void Label_offset_follows_the_number_of_outputs()
    {
        Assert.Equal(1, ImageNetSampleEvaluation.LabelOffset("m", 1001)); // background at 0
        Assert.Equal(0, ImageNetSampleEvaluation.LabelOffset("m", 1000));
        var error = Assert.Throws<InvalidOperationException>(() => ImageNetSampleEvaluation.LabelOffset("odd.tflite", 21));
        Assert.Contains("odd.tflite has 21 outputs", error.Message);
    }

    [ImageNetSampleTheory]
    [InlineData("mobilenet_v2_1.0_224_quant", 0.75, 0.90)]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq", 0.75, 0.90)]
    [InlineData("mobilenet_v1_0.75_192_quant", 0.70, 0.86)]
    [InlineData("mobilenet_v1_0.5_160_quant", 0.58, 0.80)]
    [InlineData("mobilenet_v1_0.25_128_quant", 0.36, 0.58)]
    public void Classifier_reaches_its_accuracy(string model, double minTop1, double minTop5)
    {
        var result = evaluation.Get();
        var score = result.For(model);
        Report(score.ToString());
        Assert.True(score.Top1 >= minTop1, $"{model}: top-1 {score.Top1:F3} below {minTop1}");
        Assert.True(score.Top5 >= minTop5, $"{model}: top-5 {score.Top5:F3} below {minTop5}");
    }

    [ImageNetSampleFact]
    public void Report_of_all_five_classifiers()
    {
        var result = evaluation.Get();
        Report($"ImageNet sample, {result.Scores[0].Photos} photos, {result.Workers} workers, wall time {result.WallTime.TotalSeconds:F1} s, "
            + $"JPEG decode {result.DecodeMillisecondsPerPhoto:F1} ms/photo; per-model time is one thread, preprocessing included");
        foreach (var score in result.Scores) Report(score.ToString());

        Assert.Equal(ImageNetSampleEvaluation.Classifiers.Length, result.Scores.Count);
        foreach (var score in result.Scores)
        {
            Assert.Equal(score.Photos, result.Scores[0].Photos);
            Assert.InRange(score.Top1Hits, 0, score.Top5Hits); // top-1 hits are top-5 hits
        }
    }
}
