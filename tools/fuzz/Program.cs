using System.Globalization;
using EdgeCnn.Fuzz;

// edgecnn-fuzz [--target ecnn|onnx|tflite|image|all] [--iterations N] [--seed S] [--start I] [--batch B]
//              [--timeout-ms T] [--max-alloc-mb M] [--failures DIR] [--large]
// edgecnn-fuzz --target T --replay FILE     (runs one saved input in this process and prints the outcome)
// See tools/fuzz/README.md. Exit code 0 when every input passed, 1 when any failed, 2 on a usage error.
var args_ = new Dictionary<string, string>(StringComparer.Ordinal);
var flags = new HashSet<string>(StringComparer.Ordinal);
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--child" or "--large") flags.Add(args[i]);
    else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) args_[args[i]] = args[++i];
    else { Console.Error.WriteLine($"edgecnn-fuzz: unexpected argument '{args[i]}' (see tools/fuzz/README.md)"); return 2; }
}
string Get(string name, string fallback) => args_.TryGetValue(name, out var v) ? v : fallback;
long Number(string name, long fallback) => long.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string repo = args_.TryGetValue("--repo", out var r) ? r : SeedFiles.LocateRepository(AppContext.BaseDirectory);
string? shared = args_.TryGetValue("--shared", out var s) ? s : SeedFiles.LocateShared(repo);
bool large = flags.Contains("--large");
string targetName = Get("--target", "all");
long AllocationLimit(string target) => args_.ContainsKey("--max-alloc-mb") ? Number("--max-alloc-mb", 64) << 20 : FuzzTarget.DefaultAllocationLimit(target);

if (flags.Contains("--child"))
{
    var target = FuzzTarget.Create(targetName, new SeedFiles(repo, shared, large));
    return ChildWorker.Run(target, (int)Number("--seed", 1), Number("--start", 0), Number("--count", 1), AllocationLimit(targetName), Console.Out);
}

if (args_.TryGetValue("--replay", out var replay))
{
    var target = FuzzTarget.Create(targetName, new SeedFiles(repo, shared, large));
    var outcome = ChildWorker.RunOne(target, File.ReadAllBytes(replay), AllocationLimit(targetName));
    Console.WriteLine($"{outcome.Kind} ({outcome.AllocatedBytes} bytes allocated): {outcome.Detail}");
    return outcome.Passed ? 0 : 1;
}

var targets = targetName == "all" ? FuzzTarget.Names : [targetName];
int failures = 0;
foreach (var name in targets)
{
    var options = new FuzzOptions
    {
        Target = name,
        Iterations = Number("--iterations", 1000),
        Start = Number("--start", 0),
        Seed = (int)Number("--seed", 1),
        BatchSize = (int)Number("--batch", 500),
        InputTimeout = args_.ContainsKey("--timeout-ms") ? TimeSpan.FromMilliseconds(Number("--timeout-ms", 5000)) : FuzzTarget.DefaultTimeout(name),
        MaxAllocatedBytes = AllocationLimit(name),
        FailureDirectory = Get("--failures", Path.Combine(Path.GetTempPath(), "edgecnn-fuzz-failures")),
        IncludeLarge = large,
        RepositoryRoot = repo,
        SharedRoot = shared,
    };
    var report = Supervisor.Run(options, line => Console.Error.WriteLine(line));
    Console.WriteLine(report.Summary());
    foreach (var f in report.Failures.Take(20)) Console.WriteLine($"  input {f.Index}: {f.Kind}: {f.Detail}{(f.SavedAs is null ? "" : $" (saved as {f.SavedAs})")}");
    failures += (int)Math.Min(report.FailureCount, 1);
}
return failures == 0 ? 0 : 1;
