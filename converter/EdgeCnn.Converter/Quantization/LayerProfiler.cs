using System.Diagnostics;
using EdgeCnn.Execution;
using EdgeCnn.Threading;

namespace EdgeCnn.Converter.Quantization;

/// <summary>Time and work of one operator over the profiled runs.</summary>
public sealed record LayerTiming(string Name, string Op, long Macs, double MedianMs);

/// <summary>
/// Per-operator timing for <c>edgecnn bench</c>. The public session runs all steps in one call, so this
/// builds the same execution plan the session builds (runtime internals, visible to the converter) and
/// times each step separately. The timestamps sit between steps, never inside a kernel's loop.
/// </summary>
public static class LayerProfiler
{
    /// <summary>Times every step <paramref name="runs"/> times on a pool of <paramref name="threads"/> workers, as a session with that many threads runs them.</summary>
    public static IReadOnlyList<LayerTiming> Profile(EdgeModel model, int runs, int threads = 1)
    {
        if (runs < 1) throw new ArgumentOutOfRangeException(nameof(runs), runs, "at least one run");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        var definition = model.Definition;
        var plan = ExecutionPlan.Build(definition, new ModelConstants(definition), shareMemory: true);
        // Pinned and 64-byte aligned like a session's arena: tasks that split a layer at 64-byte
        // boundaries must not share cache lines here either.
        int length = (int)Math.Max(plan.Arena.PeakBytes, 1);
        var storage = GC.AllocateArray<byte>(length + 64, pinned: true);
        int padding;
        unsafe { padding = (int)((64 - ((nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref storage[0]) & 63)) & 63); }
        var arena = storage.AsSpan(padding, length);
        foreach (var (slot, data) in plan.Preloaded) data.CopyTo(slot.Bytes(arena));
        var steps = plan.Steps;
        var ticks = new long[steps.Length][];
        for (int s = 0; s < steps.Length; s++) ticks[s] = new long[runs];
        // One context for all steps, as a session has: a step run without one would allocate its scratch
        // (hundreds of KiB for a GEMM's packed panels) on every call.
        using var context = new RunContext(threads, steps.Length == 0 ? 0 : steps.Max(s => s.ScratchBytes));
        foreach (var step in steps) step.Execute(arena, context); // warm-up: JIT and caches
        for (int r = 0; r < runs; r++)
            for (int s = 0; s < steps.Length; s++)
            {
                long start = Stopwatch.GetTimestamp();
                steps[s].Execute(arena, context);
                ticks[s][r] = Stopwatch.GetTimestamp() - start;
            }
        var result = new List<LayerTiming>(steps.Length);
        for (int s = 0; s < steps.Length; s++)
        {
            Array.Sort(ticks[s]);
            double median = ticks[s][runs / 2] * 1000.0 / Stopwatch.Frequency;
            result.Add(new LayerTiming(steps[s].Name, steps[s].Type.ToString(), steps[s].Macs, median));
        }
        return result;
    }
}
