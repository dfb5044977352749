using System.Text.Json;
using EdgeCnn.Cli;

namespace EdgeCnn.Converter.Tests.Cli;

/// <summary>Every command run in-process on the converted Fashion-MNIST model, reading what it printed.</summary>
public class CommandTests(ConvertedFashionMnist fixture) : IClassFixture<ConvertedFashionMnist>
{
    [FashionMnistFact]
    public void Convert_WritesTheModel_TheLayerTable_AndTheJsonReport()
    {
        var r = fixture.Conversion!;
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("calibrating [", r.Error);
        Assert.Contains("SQNR dB", r.Out);
        Assert.Contains("top-1 agreement", r.Out);
        Assert.Contains("wrote ", r.Out);
        Assert.True(File.Exists(fixture.Model));
        using var report = JsonDocument.Parse(File.ReadAllText(fixture.Report));
        var root = report.RootElement;
        Assert.Equal(10, root.GetProperty("samples").GetInt32());
        Assert.InRange(root.GetProperty("top1_agreement").GetDouble(), 0.7, 1.0);
        var layers = root.GetProperty("layers");
        Assert.True(layers.GetArrayLength() >= 6);
        foreach (var layer in layers.EnumerateArray())
        {
            Assert.False(string.IsNullOrEmpty(layer.GetProperty("op").GetString()));
            var sqnr = layer.GetProperty("sqnr_db");
            if (sqnr.ValueKind == JsonValueKind.Number) Assert.True(sqnr.GetDouble() > 15, $"layer {layer}: SQNR {sqnr}");
        }
    }

    [FashionMnistFact]
    public void Inspect_Ecnn_ListsLayersTotalsAndArena()
    {
        var r = Cli.Run("inspect", fixture.Model);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("Conv2D", r.Out);
        Assert.Contains("DepthwiseConv2D", r.Out);
        Assert.Contains("FullyConnected", r.Out);
        Assert.Contains("peak arena", r.Out);
        Assert.Contains("labels: 10", r.Out);

        var json = Cli.Run("inspect", fixture.Model, "--format", "json");
        using var doc = JsonDocument.Parse(json.Out);
        Assert.True(doc.RootElement.GetProperty("total_macs").GetInt64() > 100_000);
        Assert.True(doc.RootElement.GetProperty("peak_arena_bytes").GetInt64() > 0);
        Assert.Equal("10", doc.RootElement.GetProperty("labels").GetString());
    }

    [FashionMnistFact]
    public void Inspect_Onnx_ListsNodesAfterPasses()
    {
        var r = Cli.Run("inspect", RepoFiles.FashionMnistOnnx, "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var ops = doc.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("op").GetString()!).ToList();
        Assert.Contains(ops, o => o.StartsWith("Conv"));
        Assert.DoesNotContain(ops, o => o == "BatchNormalization"); // folded by the passes
        Assert.True(doc.RootElement.GetProperty("total_params").GetInt64() > 10_000);
    }

    [FashionMnistFact]
    public void Classify_Tsv_IsFileIndexLabelScoreOfTheTop1()
    {
        var r = Cli.Run("classify", fixture.Model, fixture.Images, "--format", "tsv");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(fixture.Labels.Length, lines.Length);
        int correct = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split('\t');
            Assert.Equal(4, fields.Length);
            Assert.EndsWith($"item{i}.pgm", fields[0]);
            int index = int.Parse(fields[1]);
            Assert.Equal(File.ReadAllLines(RepoFiles.FashionMnistLabels)[index], fields[2]);
            Assert.InRange(double.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), 0.0, 1e6);
            if (index == fixture.Labels[i]) correct++;
        }
        Assert.True(correct >= 4, $"{correct} of {lines.Length} test images classified correctly");
    }

    [FashionMnistFact]
    public void Classify_TextAndJson_ShowTopK()
    {
        string image = Path.Combine(fixture.Images, "item0.pgm");
        var text = Cli.Run("classify", fixture.Model, image, "--top", "3");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Equal(4, text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // file + 3 classes

        var json = Cli.Run("classify", fixture.Model, image, "--top", "2", "--format", "json");
        using var doc = JsonDocument.Parse(json.Out);
        var predictions = doc.RootElement[0].GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        Assert.True(predictions[0].GetProperty("score").GetDouble() >= predictions[1].GetProperty("score").GetDouble());
    }

    [FashionMnistFact]
    public void Eval_FashionMnist_Json()
    {
        var r = Cli.Run("eval", fixture.Model, "--dataset", "fashion-mnist", "--limit", "200", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(200, doc.RootElement.GetProperty("count").GetInt32());
        Assert.True(doc.RootElement.GetProperty("top1").GetDouble() > 0.8);
        Assert.True(doc.RootElement.GetProperty("top5").GetDouble() >= doc.RootElement.GetProperty("top1").GetDouble());
    }

    [FashionMnistFact]
    public void Eval_FolderWithLabels_AndLabelOffset()
    {
        var r = Cli.Run("eval", fixture.Model, "--dataset", fixture.Images, "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(fixture.Labels.Length, doc.RootElement.GetProperty("count").GetInt32());

        // Shifting every label by 10 points past the 10 outputs: a clear error, not a wrong number.
        Cli.Run("eval", fixture.Model, "--dataset", fixture.Images, "--label-offset", "10").AssertOneLineError();
    }

    [FashionMnistFact]
    public void Eval_Onnx_RunsInFloat()
    {
        var r = Cli.Run("eval", RepoFiles.FashionMnistOnnx, "--dataset", "fashion-mnist", "--limit", "100");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("100 images, top-1 0.", r.Out);
    }

    [FashionMnistFact]
    public void Embed_PrintsVectorsAndSimilarities()
    {
        string a = Path.Combine(fixture.Images, "item0.pgm"), b = Path.Combine(fixture.Images, "item1.pgm");
        var vectors = Cli.Run("embed", fixture.Model, a, b);
        Assert.True(vectors.ExitCode == 0, vectors.Error);
        var lines = vectors.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(10, lines[0].Split('\t')[1].Split(',').Length);

        var similarity = Cli.Run("embed", fixture.Model, a, a, b, "--similarity", "--format", "json");
        using var doc = JsonDocument.Parse(similarity.Out);
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.Equal(1.0, doc.RootElement[0].GetProperty("cosine").GetDouble(), 4); // an image with itself

        Cli.Run("embed", fixture.Model, a, "--similarity").AssertOneLineError();
    }

    [FashionMnistFact]
    public void Bench_Json_HasLatenciesAndLayers()
    {
        var r = Cli.Run("bench", fixture.Model, "--runs", "3", "--warmup", "1", "--warmup-ms", "0", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("median_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("min_ms").GetDouble() <= root.GetProperty("median_ms").GetDouble());
        var layers = root.GetProperty("layers");
        Assert.True(layers.GetArrayLength() >= 6);
        Assert.Contains(layers.EnumerateArray(), l => l.GetProperty("op").GetString() == "Conv2D" && l.GetProperty("macs").GetInt64() > 0);

        var text = Cli.Run("bench", fixture.Model, "--runs", "2", "--warmup", "0", "--warmup-ms", "0");
        Assert.Contains("GMAC/s", text.Out);
        Assert.Contains("median", text.Out);
    }
}
