using System.Runtime.CompilerServices;
using EdgeCnn.Converter.Tests.Tflite;

namespace EdgeCnn.Converter.Tests.Accuracy;

/// <summary>One photo of the ImageNet sample and its ImageNet class (0..999).</summary>
public sealed record ImageNetPhoto(string Path, int ClassIndex, string Synset)
{
    /// <summary>The class name the file name carries ("n01440764_tench.JPEG" -> "tench").</summary>
    public string NameFromFile
    {
        get
        {
            var stem = System.IO.Path.GetFileNameWithoutExtension(Path);
            return stem.StartsWith(Synset + "_", StringComparison.Ordinal) ? stem[(Synset.Length + 1)..].Replace('_', ' ') : stem;
        }
    }
}

/// <summary>
/// The shared ImageNet sample: 500 photos, one for every even class index, listed in labels.tsv as
/// "file, ImageNet class index 0..999, synset" (tab-separated).
/// </summary>
public static class ImageNetSample
{
    /// <summary>Evaluates only this many photos (evenly spread over the list) when set; for quick local runs.</summary>
    public const string LimitVariable = "EDGECNN_IMAGENET_LIMIT";

    public static string Directory => System.IO.Path.Combine(SharedData.Root ?? "", "datasets", "imagenet-sample");

    /// <summary>All photos of labels.tsv, in file order; a malformed line raises an error naming it.</summary>
    public static IReadOnlyList<ImageNetPhoto> ReadAll()
    {
        var listPath = System.IO.Path.Combine(Directory, "labels.tsv");
        var photos = new List<ImageNetPhoto>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(listPath))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var fields = line.Split('\t');
            if (fields.Length != 3 || !int.TryParse(fields[1], out int classIndex) || classIndex is < 0 or > 999)
                throw new FormatException($"{listPath} line {lineNumber}: expected 'file<TAB>class 0..999<TAB>synset', got '{line}'");
            photos.Add(new ImageNetPhoto(System.IO.Path.Combine(Directory, fields[0]), classIndex, fields[2]));
        }
        return photos;
    }

    /// <summary>
    /// The photos to evaluate: all of them, or <see cref="LimitVariable"/> of them taken at an even stride
    /// so that a quick run still spans the whole class range.
    /// </summary>
    public static IReadOnlyList<ImageNetPhoto> ReadSelection()
    {
        var all = ReadAll();
        var limitText = Environment.GetEnvironmentVariable(LimitVariable);
        if (string.IsNullOrEmpty(limitText)) return all;
        if (!int.TryParse(limitText, out int limit) || limit < 1)
            throw new FormatException($"{LimitVariable}='{limitText}' is not a positive number of photos");
        if (limit >= all.Count) return all;
        return Enumerable.Range(0, limit).Select(i => all[(int)((long)i * all.Count / limit)]).ToList();
    }
}

/// <summary>
/// Why the ImageNet sample cannot be evaluated here (no shared data, no sample, no JPEG decoder), or null.
/// </summary>
internal static class ImageNetSampleAvailability
{
    public static string? SkipReason =>
        SharedData.Root is null ? SharedData.MissingReason
        : !File.Exists(System.IO.Path.Combine(ImageNetSample.Directory, "labels.tsv")) ? $"ImageNet sample not found: {ImageNetSample.Directory}/labels.tsv is missing"
        : !EdgeCnn.Imaging.ImageDecoder.IsJpegAvailable ? "the ImageNet sample is JPEG and libturbojpeg is not installed (apt-get install libturbojpeg0)"
        : null;
}

/// <summary>A fact that is skipped, with the reason, when the ImageNet sample cannot be evaluated.</summary>
public sealed class ImageNetSampleFactAttribute : FactAttribute
{
    public ImageNetSampleFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber) => Skip = ImageNetSampleAvailability.SkipReason;
}

/// <summary>A theory that is skipped, with the reason, when the ImageNet sample cannot be evaluated.</summary>
public sealed class ImageNetSampleTheoryAttribute : TheoryAttribute
{
    public ImageNetSampleTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber) => Skip = ImageNetSampleAvailability.SkipReason;
}
