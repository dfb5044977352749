using EdgeCnn.Imaging;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.Model;

namespace EdgeCnn.Runtime.Tests.Golden;

/// <summary>
/// Bit-exact on every ISA: the int8 results of whole models on real photos must equal the committed
/// SHA-256 hashes (Data/golden-sha256.tsv) on whatever CPU runs them. ./test.sh runs this on x64, again
/// in child processes with each ISA switched off (Kernels/IsaConfigurationTests), and on linux-arm64
/// under qemu as a Cortex-A72 (NEON) and a Cortex-A76 (NEON + dot product). Each case also runs a
/// production session (shared arena, two threads) and requires the very same outputs.
/// </summary>
public class GoldenOutputTests
{
    /// <summary>
    /// Every model on every photo. EDGECNN_GOLDEN_MODELS (comma-separated names) narrows the models: the
    /// arm64 ISA-switch children use it to run only the small golden_net, since MobileNet v2 on the
    /// scalar reference under qemu takes many minutes (the arm64 legs themselves run every model).
    /// </summary>
    public static TheoryData<string, string> Cases()
    {
        var only = Environment.GetEnvironmentVariable("EDGECNN_GOLDEN_MODELS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var cases = new TheoryData<string, string>();
        foreach (var model in GoldenFiles.Models.Keys.Where(m => only is not { Length: > 0 } || only.Contains(m)))
            foreach (var image in GoldenFiles.Images) cases.Add(model, Path.GetFileName(image));
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Int8_results_equal_the_committed_hashes(string model, string image)
    {
        string path = Path.Combine(GoldenFiles.RepositoryRoot, "models", "samples", image);
        if (path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) && !ImageDecoder.IsJpegAvailable)
            Assert.Skip("libturbojpeg is not installed (apt-get install libturbojpeg0; tools/install-test-deps.sh does)");
        using var edgeModel = EdgeModel.Load(GoldenFiles.Models[model]);
        var result = GoldenRun.Run(edgeModel, model, path);
        var actual = result.Hashes;
        var expected = GoldenFiles.Expected().Where(h => h.Model == model && h.Image == image).ToArray();

        string where = $"{IsaSupport.Describe()} gemm={KernelTable.BestGemm()?.Info.Name ?? "reference"}";
        string paste = string.Join('\n', actual);
        Assert.True(expected.Length > 0, $"{GoldenFiles.HashFile} has no lines for {model} on {image}; this run ({where}) made:\n{paste}");
        foreach (var hash in actual)
        {
            var want = expected.SingleOrDefault(e => e.What == hash.What)
                ?? throw new Xunit.Sdk.XunitException($"{GoldenFiles.HashFile} has no '{hash.What}' line for {model} on {image}; this run made:\n{paste}");
            Assert.True(want.Sha256 == hash.Sha256,
                $"{model} on {image}: the {hash.What} differs from the golden hash ({Blame(hash.What)}) on {where}.\n" +
                $"expected {want.Sha256}\nactual   {hash.Sha256}\nall hashes of this run:\n{paste}");
        }
        // The same values from a session with a shared arena and two threads.
        Assert.Equal(result.KeptTensorsOutput, result.SharedArenaOutput);
    }

    /// <summary>Every committed line has a case (no stale golden that nothing checks), and every case has its three lines.</summary>
    [Fact]
    public void The_golden_file_covers_exactly_the_cases()
    {
        var expected = GoldenFiles.Expected();
        var cases = GoldenFiles.Models.Keys.SelectMany(m => GoldenFiles.Images.Select(i => (m, Path.GetFileName(i)))).ToHashSet();
        Assert.All(expected, h => Assert.Contains((h.Model, h.Image), cases));
        foreach (var (model, image) in cases)
            Assert.Equal(["activations", "input", "output"], expected.Where(h => h.Model == model && h.Image == image).Select(h => h.What).Order());
    }

    /// <summary>The meta-test: one changed weight byte must change the hashes, or the golden proves nothing.</summary>
    [Fact]
    public void One_changed_weight_byte_changes_the_hashes()
    {
        string image = GoldenFiles.Images.First(i => i.EndsWith(".bmp", StringComparison.OrdinalIgnoreCase));
        using var original = EdgeModel.Load(GoldenFiles.Models["golden_net"]);
        var definition = EdgeModel.Load(GoldenFiles.Models["golden_net"]).Definition;
        var weights = definition.Tensors.First(t => t.IsConstant && t.Type == ElementType.Int8 && t.Shape.Length == 4);
        weights.Data![0] ^= 1;
        using var changed = EdgeModel.FromDefinition(definition);

        var before = GoldenRun.Run(original, "golden_net", image).Hashes;
        var after = GoldenRun.Run(changed, "golden_net", image).Hashes;
        Assert.Equal(before.Single(h => h.What == "input"), after.Single(h => h.What == "input"));
        Assert.NotEqual(before.Single(h => h.What == "activations").Sha256, after.Single(h => h.What == "activations").Sha256);
    }

    private static string Blame(string what) => what == "input"
        ? "image decoding or preprocessing"
        : "a kernel or operator: compare with the scalar reference (DOTNET_EnableHWIntrinsic=0)";
}
