using EdgeCnn.Converter.Tests.Tflite;

namespace EdgeCnn.Converter.Tests.Accuracy;

/// <summary>
/// The MobileNet v1 embedding extractor (the backbone Coral uses for weight imprinting) on the
/// imprinting photos: embeddings of one class lie closer together (cosine similarity) than those of a
/// cat or a dog and a hot dog, which is what imprinting and Siamese/triplet matching rely on.
/// </summary>
public class EmbeddingSimilarityTests(ITestOutputHelper output)
{
    private static readonly string[] Photos =
        ["cat_train_0", "cat_test_0", "dog_train_0", "dog_test_0", "hotdog_train_0", "hotdog_train_1", "hotdog_test_0"];

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    [SharedDataFact]
    public void Photos_of_one_class_are_more_similar_than_photos_of_different_classes()
    {
        using var model = CoralModels.Load("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
        using var session = model.CreateSession();
        var embeddings = Photos.Select(name =>
        {
            session.SetInput(CoralModels.LoadImage(Path.Combine("imprinting", name + ".bmp")));
            return session.Run().ToArray();
        }).ToArray();
        int dimension = embeddings[0].Length;
        Assert.All(embeddings, e => Assert.Equal(dimension, e.Length));

        var similarity = new double[Photos.Length, Photos.Length];
        for (int i = 0; i < Photos.Length; i++)
            for (int j = 0; j < Photos.Length; j++)
                similarity[i, j] = Cosine(embeddings[i], embeddings[j]);

        Report($"embedding extractor: {dimension}-dimensional output [{string.Join(",", session.GetOutputShape(0))}]; cosine similarities:");
        Report($"{"",-15}" + string.Concat(Photos.Select(p => $"{p,15}")));
        for (int i = 0; i < Photos.Length; i++)
            Report($"{Photos[i],-15}" + string.Concat(Enumerable.Range(0, Photos.Length).Select(j => $"{similarity[i, j],15:F3}")));

        double S(string a, string b) => similarity[Array.IndexOf(Photos, a), Array.IndexOf(Photos, b)];
        foreach (var hotdog in new[] { "hotdog_train_0", "hotdog_train_1", "hotdog_test_0" })
        {
            Assert.True(S("cat_train_0", "cat_test_0") > S("cat_test_0", hotdog), $"cat vs cat {S("cat_train_0", "cat_test_0"):F3} <= cat vs {hotdog}");
            Assert.True(S("cat_train_0", "cat_test_0") > S("cat_train_0", hotdog), $"cat vs cat <= cat_train_0 vs {hotdog}");
            Assert.True(S("dog_train_0", "dog_test_0") > S("dog_test_0", hotdog), $"dog vs dog {S("dog_train_0", "dog_test_0"):F3} <= dog vs {hotdog}");
            Assert.True(S("dog_train_0", "dog_test_0") > S("dog_train_0", hotdog), $"dog vs dog <= dog_train_0 vs {hotdog}");
        }
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(aa * bb);
    }

    [Fact]
    public void Cosine_of_parallel_orthogonal_and_opposite_vectors()
    {
        Assert.Equal(1.0, Cosine([1f, 2f, 3f], [2f, 4f, 6f]), 12);
        Assert.Equal(0.0, Cosine([1f, 0f], [0f, 5f]), 12);
        Assert.Equal(-1.0, Cosine([1f, -1f], [-3f, 3f]), 12);
    }
}
