namespace EdgeCnn;

/// <summary>How a session runs its model.</summary>
public sealed class SessionOptions
{
    /// <summary>
    /// Most threads a session may use. Each one is a dedicated OS thread with its own stack and scratch
    /// memory, and every operator splits its output among them; the boards we target have 4 cores, so
    /// beyond a few dozen threads only add memory and contention (and thousands exhaust the process).
    /// </summary>
    public const int MaxThreads = 64;

    /// <summary>Worker threads per run (1 = the calling thread only), 1 to <see cref="MaxThreads"/>.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The error for a thread count outside [1, <see cref="MaxThreads"/>], or null when it is valid.</summary>
    public static string? CheckThreads(int threads) =>
        threads is >= 1 and <= MaxThreads ? null
            : $"threads must be between 1 and {MaxThreads}, got {threads}: each thread is an OS thread with its own scratch memory, and more threads than cores only add contention ({Environment.ProcessorCount} cores here)";

    /// <summary>
    /// Give every tensor its own memory instead of sharing the arena, so intermediate tensors can be
    /// read after a run (per-layer accuracy reports). Uses more memory.
    /// </summary>
    public bool KeepIntermediateTensors { get; init; }

    /// <summary>
    /// Largest activation arena a session may allocate. A small valid file can declare huge activations,
    /// so the limit keeps an untrusted model from making the board allocate gigabytes.
    /// </summary>
    public long MaxArenaBytes { get; init; } = 512L * 1024 * 1024;
}
