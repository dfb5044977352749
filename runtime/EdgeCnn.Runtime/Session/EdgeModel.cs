using EdgeCnn.Execution;
using EdgeCnn.Format;
using EdgeCnn.Model;

namespace EdgeCnn;

/// <summary>
/// A loaded, validated .ecnn model. Immutable and thread-safe: create one session per thread.
/// </summary>
public sealed class EdgeModel : IDisposable
{
    private readonly ModelConstants _constants;

    private EdgeModel(EcnnModel definition)
    {
        Definition = definition;
        _constants = new ModelConstants(definition);
    }

    /// <summary>The validated canonical graph.</summary>
    public EcnnModel Definition { get; }

    public ModelMetadata Metadata => Definition.Metadata;

    /// <summary>Loads and validates a model file; a bad file raises <see cref="EcnnFormatException"/>.</summary>
    public static EdgeModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"cannot read model '{path}': {e.Message}", path, e);
        }
        return Load(bytes, Path.GetFileName(path));
    }

    public static EdgeModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Load(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), stream is FileStream fs ? Path.GetFileName(fs.Name) : "<stream>");
    }

    public static EdgeModel Load(ReadOnlySpan<byte> bytes, string source = "<memory>") =>
        new(EcnnReader.Read(bytes, source));

    /// <summary>Wraps an in-memory model (e.g. freshly converted); it is validated like a file.</summary>
    public static EdgeModel FromDefinition(EcnnModel definition) => Load(EcnnWriter.Write(definition), definition.Metadata.Name);

    public InferenceSession CreateSession(SessionOptions? options = null)
    {
        options ??= new SessionOptions();
        if (SessionOptions.CheckThreads(options.Threads) is { } problem) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "SessionOptions.Threads: " + problem);
        var plan = ExecutionPlan.Build(Definition, _constants, shareMemory: !options.KeepIntermediateTensors, options.Threads);
        if (plan.Arena.PeakBytes > options.MaxArenaBytes)
            throw new InvalidOperationException(
                $"model '{Metadata.Name}' needs a {plan.Arena.PeakBytes}-byte activation arena, above SessionOptions.MaxArenaBytes ({options.MaxArenaBytes})");
        return new InferenceSession(this, plan, options);
    }

    public void Dispose()
    {
        // Models hold only managed memory; Dispose exists so packed kernels may own native memory later
        // without an API change, and so `using var model = ...` reads naturally.
    }
}
