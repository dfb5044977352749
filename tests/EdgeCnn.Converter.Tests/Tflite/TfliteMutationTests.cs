using System.Buffers.Binary;
using System.Diagnostics;
using EdgeCnn.Converter.Tflite;
using Xunit.Sdk;

namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>
/// Damaged and hostile TFLite files: truncations at every length, byte flips, hostile offsets and huge
/// vector lengths written over every aligned word. Each import must either succeed or throw
/// TfliteFormatException: no other exception, no crash, no hang, and no allocation far beyond the
/// file's size. Seeded, so a failure reproduces.
/// </summary>
public class TfliteMutationTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;

    /// <summary>Allocation allowed per import: the converted weights are about the file's size; the rest is small.</summary>
    private static long AllocationLimit(int fileLength) => 16L * fileLength + (4 << 20);

    /// <summary>Refusals that only the final format validation caught (gaps in the conversions' own checks).</summary>
    private static int _caughtByFinalValidation;

    private static (int Imported, int Refused) ImportAll(IEnumerable<(string What, byte[] Bytes)> cases)
    {
        int imported = 0, refused = 0;
        foreach (var (what, bytes) in cases)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var model = TfliteImporter.Import(bytes, what);
                // What the importer accepts, the .ecnn writer accepts too.
                try { EdgeCnn.Format.ModelValidator.Validate(model, what); }
                catch (EdgeCnn.Format.EcnnFormatException e) { throw new XunitException($"{what}: imported, but the model is invalid: {e.Message}"); }
                imported++;
            }
            catch (TfliteFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                if (e.Message.Contains("not a valid EdgeCnn model")) Interlocked.Increment(ref _caughtByFinalValidation);
                refused++;
            }
            catch (Exception e)
            {
                throw new XunitException($"{what}: {e.GetType().Name} instead of TfliteFormatException: {e}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated > AllocationLimit(bytes.Length))
                throw new XunitException($"{what}: import allocated {allocated} bytes for a {bytes.Length}-byte file");
        }
        return (imported, refused);
    }

    private static IEnumerable<(string, byte[])> Truncations(byte[] original, int step)
    {
        for (int length = 0; length < original.Length; length += step)
            yield return ($"truncated to {length}", original[..length]);
    }

    private static IEnumerable<(string, byte[])> ByteFlips(byte[] original, int count, Random random, Func<Random, int> position)
    {
        for (int i = 0; i < count; i++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(3);
            var what = new List<string>();
            for (int f = 0; f < flips; f++)
            {
                int p = position(random);
                byte mask = (byte)(1 + random.Next(255));
                bytes[p] ^= mask;
                what.Add($"{p}^{mask:x2}");
            }
            yield return ($"byte flips {string.Join(",", what)}", bytes);
        }
    }

    /// <summary>Offsets past the end, negative ones, self references, and vector counts far beyond the file.</summary>
    private static IEnumerable<(string, byte[])> HostileWords(byte[] original, Random random, int stride)
    {
        uint[] values = [0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFC, 0x10000000, (uint)original.Length, (uint)original.Length - 4, 4];
        for (int p = 0; p + 4 <= original.Length; p += stride)
        {
            foreach (var value in values.Append((uint)random.Next()).Append((uint)random.Next(-64, 64)))
            {
                var bytes = (byte[])original.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(p), value);
                yield return ($"word at {p} = 0x{value:x8}", bytes);
            }
        }
    }

    [SharedDataFact]
    public void Mutated_split_concat_model_gives_only_format_errors()
    {
        var original = File.ReadAllBytes(SharedData.CoralModel("split_concat.tflite"));
        var random = new Random(Seed);
        var cases = Truncations(original, 1)
            .Concat(ByteFlips(original, 3000, random, r => r.Next(original.Length)))
            .Concat(HostileWords(original, random, 4))
            .ToList();
        var watch = Stopwatch.StartNew();
        var (imported, refused) = ImportAll(cases);
        output.WriteLine($"{cases.Count} mutations of split_concat.tflite ({original.Length} bytes): {refused} refused, {imported} imported, {watch.ElapsedMilliseconds} ms");
        Assert.Equal(cases.Count, imported + refused);
        Assert.True(cases.Count >= 5000);
    }

    /// <summary>Small synthesized models that import when intact: mutations reach every operator conversion cheaply.</summary>
    [Fact]
    public void Mutated_synthesized_models_give_only_format_errors_or_a_model()
    {
        var random = new Random(Seed + 2);
        var models = new (string Name, byte[] Bytes)[]
        {
            ("fully connected", TfliteOperatorTests.FullyConnectedModel(out _).Build()),
            ("pad, max pool, resize", TfliteOperatorTests.PadPoolResizeModel().Build()),
            ("mul, logistic, hard-swish, mean, squeeze", TfliteOperatorTests.ElementwiseChainModel().Build()),
        };
        int total = 0, imported = 0;
        foreach (var (name, original) in models)
        {
            TfliteImporter.Import(original, name); // intact, it imports
            var cases = Truncations(original, 1)
                .Concat(ByteFlips(original, 1500, random, r => r.Next(original.Length)))
                .Concat(HostileWords(original, random, 4))
                .Select(c => ($"{name}: {c.Item1}", c.Item2))
                .ToList();
            var result = ImportAll(cases);
            total += cases.Count;
            imported += result.Imported;
        }
        output.WriteLine($"{total} mutations of {models.Length} synthesized models: {total - imported} refused, {imported} imported; "
            + $"refused by the final validation so far: {_caughtByFinalValidation}");
        Assert.True(imported > 0 && imported < total);
    }

    /// <summary>
    /// A model that imports when intact, so mutations reach the operator conversions too. Mutations are
    /// aimed at the FlatBuffer's tables (the first and last 16 KiB hold the schema tables around the
    /// weight buffers) as much as at the weights.
    /// </summary>
    [SharedDataFact]
    public void Mutated_importable_model_gives_only_format_errors_or_a_model()
    {
        var original = File.ReadAllBytes(SharedData.CoralModel("mobilenet_v1_0.25_128_quant.tflite"));
        var random = new Random(Seed + 1);
        int Structural(Random r)
        {
            int window = Math.Min(16 << 10, original.Length / 2);
            return r.Next(2) == 0 ? r.Next(window) : original.Length - 1 - r.Next(window);
        }
        var cases = Truncations(original, original.Length / 10)
            .Concat(ByteFlips(original, 50, random, Structural))
            .Concat(HostileWords(original[..(2 << 10)], random, 256).Select(c => (c.Item1, Splice(original, c.Item2))))
            .ToList();
        var watch = Stopwatch.StartNew();
        var (imported, refused) = ImportAll(cases);
        output.WriteLine($"{cases.Count} mutations of mobilenet_v1_0.25_128_quant.tflite: {refused} refused, {imported} imported, {watch.ElapsedMilliseconds} ms");
        Assert.True(refused > 0);
    }

    private static byte[] Splice(byte[] original, byte[] head)
    {
        var bytes = (byte[])original.Clone();
        head.CopyTo(bytes, 0);
        return bytes;
    }
}
