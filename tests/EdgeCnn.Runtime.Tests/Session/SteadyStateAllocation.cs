namespace EdgeCnn.Runtime.Tests.Session;

/// <summary>
/// Bytes the calling thread allocates in a steady state. The runtime itself may allocate on the caller
/// now and then (tiered compilation installing call-counting stubs or promoting a method; seen under
/// qemu, where everything is slower, as 7 KB in one round of a leg that otherwise allocated nothing), which
/// is not the code under test. So the measurement is repeated up to <c>rounds</c> times and the smallest
/// figure returned: code that allocates on every call allocates in every round, and still fails.
/// </summary>
internal static class SteadyStateAllocation
{
    public static long Smallest(Action round, int rounds = 5)
    {
        long smallest = long.MaxValue;
        for (int r = 0; r < rounds && smallest > 0; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            smallest = Math.Min(smallest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return smallest;
    }
}
