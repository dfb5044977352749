namespace EdgeCnn.Fuzz;

/// <summary>
/// One loader under test: its seed files, a structure-aware mutator, and the pipeline an input goes
/// through (load, and when it loads, everything a user would do next: convert, write, load, run).
/// </summary>
public abstract class FuzzTarget
{
    public abstract string Name { get; }

    /// <summary>Files the mutations start from; never empty (the constructor fails instead).</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>A mutant of <paramref name="seed"/>; deterministic for a given <paramref name="random"/>.</summary>
    public abstract byte[] Mutate(byte[] seed, Random random);

    /// <summary>Runs the pipeline; returns normally when the input was accepted and ran.</summary>
    public abstract void Run(byte[] input);

    /// <summary>
    /// Allocation allowed for one input. 64 MB for the loaders (a file may not make them allocate more
    /// than its contents justify); converting targets run a float executor over the shapes the model
    /// declares, bounded by the converter's input limit, so they get more.
    /// </summary>
    public static long DefaultAllocationLimit(string target) => target == "onnx" ? 1536L << 20 : 64L << 20;

    /// <summary>
    /// The watchdog's limit for one input: 5 s, and 30 s for ONNX, whose mutants may declare a valid
    /// input of up to 3 x 1024 x 1024 that the float executor calibrates in seconds on a busy machine.
    /// </summary>
    public static TimeSpan DefaultTimeout(string target) => TimeSpan.FromSeconds(target == "onnx" ? 30 : 5);

    /// <summary>True for the exceptions the loader documents for bad input.</summary>
    public abstract bool IsDocumented(Exception e);

    /// <summary>Input number <paramref name="index"/> of the run with <paramref name="seed"/>: 1 to 4 mutations of one seed.</summary>
    public byte[] Generate(int seed, long index)
    {
        var random = new Random(Mix(seed, index, Name));
        var input = Seeds[random.Next(Seeds.Count)];
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations; m++) input = Mutate(input, random);
        return input;
    }

    /// <summary>
    /// The random seed of one input: the same in every process and on every machine (HashCode is
    /// randomized per process, so it would not replay). SplitMix64 of seed, index and the target name.
    /// </summary>
    private static int Mix(int seed, long index, string name)
    {
        ulong x = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index;
        foreach (char c in name) x = x * 31 + c;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return (int)(x ^ (x >> 31));
    }

    public static FuzzTarget Create(string name, SeedFiles seeds) => name switch
    {
        "ecnn" => new EcnnTarget(seeds),
        "onnx" => new OnnxTarget(seeds),
        "tflite" => new TfliteTarget(seeds),
        "image" => new ImageTarget(seeds),
        _ => throw new ArgumentException($"unknown target '{name}' (ecnn, onnx, tflite, image)"),
    };

    public static readonly string[] Names = ["ecnn", "onnx", "tflite", "image"];
}
