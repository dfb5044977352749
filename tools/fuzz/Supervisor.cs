using System.Collections.Concurrent;
using System.Diagnostics;

namespace EdgeCnn.Fuzz;

public sealed record FuzzOptions
{
    public required string Target { get; init; }
    public long Iterations { get; init; } = 1000;
    public long Start { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Inputs per child process: one process start per batch, not per input.</summary>
    public int BatchSize { get; init; } = 500;
    /// <summary>Watchdog: the CPU time one input may take (wall time: 12 times as much) before its child is killed and the input counts as a hang.</summary>
    public TimeSpan InputTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public long MaxAllocatedBytes { get; init; } = 64L << 20;
    /// <summary>Where failing inputs are saved for replay (none when null).</summary>
    public string? FailureDirectory { get; init; }
    public bool IncludeLarge { get; init; }
    public required string RepositoryRoot { get; init; }
    public string? SharedRoot { get; init; }
}

public sealed record FuzzFailure(long Index, OutcomeKind Kind, string Detail, string? SavedAs);

public sealed class FuzzReport
{
    public required string Target { get; init; }
    public Dictionary<OutcomeKind, long> Counts { get; } = Enum.GetValues<OutcomeKind>().ToDictionary(k => k, _ => 0L);
    public List<FuzzFailure> Failures { get; } = [];
    public long MaxAllocatedBytes { get; set; }
    /// <summary>Inputs that outlived the watchdog in a batch but finished when run again alone (machine load).</summary>
    public long SlowInputs { get; set; }
    public TimeSpan Elapsed { get; set; }
    public long Total => Counts.Values.Sum();
    public long FailureCount => Counts[OutcomeKind.Undocumented] + Counts[OutcomeKind.Allocation] + Counts[OutcomeKind.Crash] + Counts[OutcomeKind.Hang];

    public string Summary() =>
        $"{Target}: {Total} inputs in {Elapsed.TotalSeconds:0.0} s: {Counts[OutcomeKind.Accepted]} accepted and ran, {Counts[OutcomeKind.Rejected]} rejected with the documented exception, " +
        $"{Counts[OutcomeKind.Crash]} crashes, {Counts[OutcomeKind.Hang]} hangs, {Counts[OutcomeKind.Undocumented]} undocumented exceptions, " +
        $"{Counts[OutcomeKind.Allocation]} over the allocation limit; largest allocation {MaxAllocatedBytes / (1024.0 * 1024):0.0} MB; " +
        $"{SlowInputs} slow (finished when rerun alone)";
}

/// <summary>
/// Runs a target's inputs in child processes, a batch per child, under a watchdog: when a child dies
/// or one input outlives <see cref="FuzzOptions.InputTimeout"/>, the input it was running is recorded
/// (and saved), the child is killed, and a new child resumes with the next input.
/// </summary>
public static class Supervisor
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);

    public static FuzzReport Run(FuzzOptions options, Action<string>? log = null)
    {
        var clock = Stopwatch.StartNew();
        var report = new FuzzReport { Target = options.Target };
        FuzzTarget? parentTarget = null; // built only when an input must be regenerated and saved
        long next = options.Start, end = options.Start + options.Iterations;
        int failedStarts = 0;
        while (next < end)
        {
            long count = Math.Min(options.BatchSize, end - next);
            var batch = RunBatch(options, next, count);
            foreach (var (index, outcome) in batch.Results)
            {
                report.Counts[outcome.Kind]++;
                report.MaxAllocatedBytes = Math.Max(report.MaxAllocatedBytes, outcome.AllocatedBytes);
                if (!outcome.Passed) Record(report, options, ref parentTarget, index, outcome, log);
            }
            if (batch.Results.Count == 0 && batch.Stuck is null)
            {
                if (++failedStarts >= 3) throw new InvalidOperationException($"the fuzz child process did not start: {batch.Error}");
                continue;
            }
            failedStarts = 0;
            next = batch.Results.Count > 0 ? batch.Results[^1].Index + 1 : next;
            if (batch.Stuck is { } stuck && stuck.Kind == OutcomeKind.Hang && Confirm(options, stuck.Index) is { } alone)
            {
                // An input that finishes when run alone with four times the limit is slow (a JIT or GC
                // pause, a busy machine), not a hang: it counts as what it did.
                report.Counts[alone.Kind]++;
                report.MaxAllocatedBytes = Math.Max(report.MaxAllocatedBytes, alone.AllocatedBytes);
                report.SlowInputs++;
                if (!alone.Passed) Record(report, options, ref parentTarget, stuck.Index, alone, log);
                next = stuck.Index + 1;
            }
            else if (batch.Stuck is { } failed)
            {
                report.Counts[failed.Kind]++;
                Record(report, options, ref parentTarget, failed.Index, new Outcome(failed.Kind, failed.Detail, 0), log);
                next = failed.Index + 1;
            }
            log?.Invoke($"{options.Target}: {next - options.Start}/{options.Iterations} inputs, {report.FailureCount} failures");
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    private static void Record(FuzzReport report, FuzzOptions options, ref FuzzTarget? target, long index, Outcome outcome, Action<string>? log)
    {
        string? saved = null;
        if (options.FailureDirectory is { } folder && report.Failures.Count < 200)
        {
            target ??= FuzzTarget.Create(options.Target, new SeedFiles(options.RepositoryRoot, options.SharedRoot, options.IncludeLarge));
            Directory.CreateDirectory(folder);
            saved = Path.Combine(folder, $"{options.Target}-seed{options.Seed}-{index}-{outcome.Kind.ToString().ToLowerInvariant()}.bin");
            File.WriteAllBytes(saved, target.Generate(options.Seed, index));
            File.WriteAllText(Path.ChangeExtension(saved, ".txt"),
                $"target {options.Target}, seed {options.Seed}, input {index}: {outcome.Kind}\n{outcome.Detail}\nreplay: edgecnn-fuzz --target {options.Target} --replay {saved}\n");
        }
        report.Failures.Add(new FuzzFailure(index, outcome.Kind, outcome.Detail, saved));
        log?.Invoke($"{options.Target} input {index}: {outcome.Kind}: {outcome.Detail}");
    }

    private static Outcome? Confirm(FuzzOptions options, long index)
    {
        var alone = RunBatch(options with { InputTimeout = options.InputTimeout * 4 }, index, 1);
        return alone.Results.Count == 1 ? alone.Results[0].Outcome : null;
    }

    private sealed record Batch(List<(long Index, Outcome Outcome)> Results, (long Index, OutcomeKind Kind, string Detail)? Stuck, string Error);

    private static Batch RunBatch(FuzzOptions options, long start, long count)
    {
        var info = new ProcessStartInfo(HostPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(Supervisor).Assembly.Location);
        foreach (var a in new[] { "--child", "--target", options.Target, "--seed", options.Seed.ToString(), "--start", start.ToString(), "--count", count.ToString(),
                     "--max-alloc-mb", (options.MaxAllocatedBytes >> 20).ToString(), "--repo", options.RepositoryRoot })
            info.ArgumentList.Add(a);
        if (options.SharedRoot is { } shared) { info.ArgumentList.Add("--shared"); info.ArgumentList.Add(shared); }
        if (options.IncludeLarge) info.ArgumentList.Add("--large");
        // A hostile input must not take the shared machine's memory: the child's GC heap is capped (1 GB).
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        info.Environment["DOTNET_TieredPGO"] = "0";

        var lines = new BlockingCollection<string?>();
        var errors = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => lines.Add(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) if (errors.Length < 4000) errors.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var results = new List<(long, Outcome)>();
        long running = -1;
        var runningSince = Stopwatch.StartNew();
        var cpuAtStart = TimeSpan.Zero;
        bool done = false;
        while (!done)
        {
            // The watchdog counts the child's CPU time, not the wall clock: on a shared machine a child
            // may wait for a core for seconds, which is not a hang. Wall time is still bounded (12x).
            string? line;
            while (!lines.TryTake(out line, TimeSpan.FromMilliseconds(500)))
            {
                var limit = running < 0 ? StartupTimeout : options.InputTimeout;
                bool overCpu = running >= 0 && CpuTime(process) - cpuAtStart > limit;
                if (overCpu || runningSince.Elapsed > limit * (running < 0 ? 1 : 12))
                {
                    Kill(process);
                    if (running < 0) return new Batch(results, null, "the child printed nothing within " + StartupTimeout);
                    return new Batch(results, (running, OutcomeKind.Hang,
                        $"no result after {(overCpu ? "a CPU time" : "a wall time")} of {(overCpu ? limit : limit * 12).TotalSeconds:0.#} s; the watchdog killed the child"), "");
                }
            }
            if (line is null)
            {
                // End of stdout: the child exited. Without DONE, the running input killed it.
                process.WaitForExit();
                string stderr;
                lock (errors) stderr = errors.ToString();
                if (running >= 0)
                    return new Batch(results, (running, OutcomeKind.Crash, $"the child exited with code {process.ExitCode}: {Tail(stderr)}"), "");
                return new Batch(results, null, $"exit code {process.ExitCode}: {Tail(stderr)}");
            }
            if (line.StartsWith("S ", StringComparison.Ordinal))
            {
                running = long.Parse(line.AsSpan(2));
                runningSince.Restart();
                cpuAtStart = CpuTime(process);
            }
            else if (line.StartsWith("R ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 5);
                var kind = Enum.Parse<OutcomeKind>(parts[2]);
                results.Add((long.Parse(parts[1]), new Outcome(kind, parts.Length > 4 ? parts[4] : "", long.Parse(parts[3]))));
                running = -2; // between inputs: the next "S" follows at once
                runningSince.Restart();
            }
            else if (line == "DONE") done = true;
        }
        process.WaitForExit();
        return new Batch(results, null, "");
    }

    private static TimeSpan CpuTime(Process process)
    {
        try { return process.TotalProcessorTime; }
        // Exited (InvalidOperationException, or Win32Exception when /proc no longer has it): stdout says so next.
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { return TimeSpan.Zero; }
    }

    private static string HostPath() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); process.WaitForExit(10_000); }
        catch (InvalidOperationException) { }
    }

    private static string Tail(string text)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 400 ? text : "..." + text[^400..];
    }
}
