using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EdgeCnn.Imaging;

namespace EdgeCnn.Runtime.Tests.Session;

/// <summary>
/// The C# of README.md's "Using the runtime", compiled and run as written: the method below holds the
/// README's code blocks line for line (the test compares them), so the snippet cannot drift from code
/// that builds, and running it from the repository root proves its files exist and its output is true.
/// </summary>
public class ReadmeExampleTests
{
    // The README's snippets, in order, with their using directives at the top of this file.
    private static void ReadmeSnippets()
    {
        // README begin
        using var model = EdgeModel.Load("models/mobilenet_v2_1.0_224_quant.ecnn");     // validates the file
        using var session = model.CreateSession(new SessionOptions { Threads = 4 });
        var top = session.Classify(ImageDecoder.Load("models/samples/cat.bmp"), topK: 5); // labels from metadata
        Console.WriteLine(top[0]);                                                         // 286 Egyptian cat 0.7799

        var nhwc = new float[1 * 224 * 224 * 3];             // your own input: normalized pixels, NHWC order
        ReadOnlySpan<float> scores = session.Run<float>(nhwc, [1, 224, 224, 3]);            // or fill session.InputBuffer
        var sessions = new ConcurrentBag<InferenceSession>();                               // a pool
        Parallel.ForEach(Directory.GetFiles("models/samples", "*.bmp"), file =>
        {
            var s = sessions.TryTake(out var free) ? free : model.CreateSession();
            Console.WriteLine($"{Path.GetFileName(file)}: {s.Classify(ImageDecoder.Load(file), topK: 1)[0]}");
            sessions.Add(s);                                                                 // back to the pool
        });
        foreach (var s in sessions) s.Dispose();
        // README end
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [Fact]
    public void TheReadmeSnippetsAreTheCodeThisTestCompiles()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int start = readme.IndexOf("## Using the runtime", StringComparison.Ordinal);
        int end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var blocks = Regex.Matches(readme[start..end], "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value);
        var readmeLines = blocks.SelectMany(b => b.Split('\n')).Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("using EdgeCnn", StringComparison.Ordinal)).ToArray();

        string source = File.ReadAllText(ThisFile());
        int from = source.IndexOf("// README begin", StringComparison.Ordinal) + "// README begin".Length;
        int to = source.IndexOf("// README end", from, StringComparison.Ordinal);
        var codeLines = source[from..to].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

        Assert.Equal(readmeLines, codeLines);
    }

    [Fact]
    public void TheReadmeSnippetsRunFromTheRepositoryRootAndPrintWhatTheReadmeSays()
    {
        string before = Directory.GetCurrentDirectory();
        var printed = new StringWriter();
        var console = Console.Out;
        lock (typeof(Console))
        {
            try
            {
                Directory.SetCurrentDirectory(RepositoryRoot());
                Console.SetOut(TextWriter.Synchronized(printed));
                ReadmeSnippets();
            }
            finally
            {
                Console.SetOut(console);
                Directory.SetCurrentDirectory(before);
            }
        }
        var lines = printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("286 Egyptian cat 0.7799", lines[0]);
        Assert.Contains("cat.bmp: 286 Egyptian cat 0.7799", lines);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
