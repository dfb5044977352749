namespace EdgeCnn.Fuzz;

/// <summary>
/// The child process: runs inputs [start, start + count) of one target and reports each on stdout
/// ("S index" before it starts, "R index kind bytes detail" after), so the supervisor knows which input
/// was running when the process died or hung. Allocation is the process's allocated-bytes counter
/// around the input, all threads included.
/// </summary>
public static class ChildWorker
{
    public static int Run(FuzzTarget target, int seed, long start, long count, long maxAllocatedBytes, TextWriter output)
    {
        for (long i = start; i < start + count; i++)
        {
            var input = target.Generate(seed, i);
            output.WriteLine($"S {i}");
            output.Flush();
            var outcome = RunOne(target, input, maxAllocatedBytes);
            output.WriteLine($"R {i} {outcome.Kind} {outcome.AllocatedBytes} {OneLine(outcome.Detail)}");
        }
        output.WriteLine("DONE");
        output.Flush();
        return 0;
    }

    public static Outcome RunOne(FuzzTarget target, byte[] input, long maxAllocatedBytes)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Outcome outcome;
        try
        {
            target.Run(input);
            outcome = new Outcome(OutcomeKind.Accepted, "", 0);
        }
        catch (Exception e) when (target.IsDocumented(e))
        {
            outcome = new Outcome(OutcomeKind.Rejected, $"{e.GetType().Name}: {e.Message}", 0);
        }
        catch (Exception e)
        {
            outcome = new Outcome(OutcomeKind.Undocumented, $"{e.GetType().Name}: {e.Message} at {FirstFrame(e)}", 0);
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        if (outcome.Passed && allocated > maxAllocatedBytes)
            outcome = new Outcome(OutcomeKind.Allocation, $"allocated {allocated} bytes (limit {maxAllocatedBytes}) for a {input.Length}-byte input; {outcome.Kind}: {outcome.Detail}", 0);
        return outcome with { AllocatedBytes = allocated };
    }

    private static string FirstFrame(Exception e) =>
        string.Join(" < ", (e.StackTrace ?? "(no stack)").Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(3).Select(f => f.Trim()));

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
