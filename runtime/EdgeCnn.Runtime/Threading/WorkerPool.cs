using System.Runtime.ExceptionServices;

namespace EdgeCnn.Threading;

/// <summary>
/// A small persistent pool owned by one session: Threads - 1 helper threads, which watch for the next
/// operator and park on a semaphore when none comes for 200 us, plus the calling thread as worker 0.
/// <see cref="Run"/> splits the task numbers into one contiguous part per participating worker (a helper
/// that is not needed may still join and take tasks); each worker takes the tasks of its own part first and
/// then those left in the others' parts. Consecutive operators cut the same way (rows of pixels, in
/// order) so worker w mostly reads what it wrote the operator before, from its own core's cache, while a
/// slow or preempted worker still never holds up the rest. Each part's counter carries the run's
/// generation and is claimed by compare-and-swap, and a finished run's counters are closed before the
/// next run writes its bounds, so a late helper can take nothing; the caller waits for the tasks to be
/// done, not for every helper to show up. Allocates nothing. Which worker runs which task never changes
/// the result: every task writes its own outputs with the same arithmetic. Dispose stops and joins the
/// helpers.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _helpers;
    private readonly SemaphoreSlim[] _wake;
    // Per helper, 64 bytes apart (ParkedStride ints): 1 while it is parked (or about to park) on its semaphore.
    private const int ParkedStride = 16;
    private readonly int[] _parked;
    private readonly long[] _helperAllocated;
    // The caller waits for the last task by spinning (up to SpinTicks), then on this monitor (no lazy
    // allocation, unlike ManualResetEventSlim, whose lock object appears the first time a wait blocks).
    private readonly object _gate = new();
    private IParallelWork? _work;
    private int _tasks;
    // Per part, 64 bytes apart (no false sharing): (generation << 32) | next task, claimed with
    // compare-and-swap, so only a worker of this generation ever moves it; and the part's end.
    private const int Stride = 8;
    private readonly long[] _claims;
    private readonly int[] _ends;
    private int _parts;
    private int _completed;
    private int _generation;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a pool needs at least one thread");
        Threads = threads;
        _helpers = new Thread[threads - 1];
        _wake = new SemaphoreSlim[threads - 1];
        _parked = new int[(threads - 1) * ParkedStride];
        _helperAllocated = new long[threads - 1];
        _claims = new long[threads * Stride];
        _ends = new int[threads * Stride];
        for (int i = 0; i < _helpers.Length; i++)
        {
            _wake[i] = new SemaphoreSlim(0);
            int worker = i + 1;
            _helpers[i] = new Thread(() => HelperLoop(worker)) { IsBackground = true, Name = $"EdgeCnn worker {worker}" };
            _helpers[i].Start();
        }
    }

    /// <summary>Workers including the calling thread.</summary>
    public int Threads { get; }

    /// <summary>Bytes the helper threads have allocated so far (each reads its own counter after every task batch).</summary>
    public long HelperAllocatedBytes
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _helperAllocated.Length; i++) sum += Volatile.Read(ref _helperAllocated[i]);
            return sum;
        }
    }

    /// <summary>True once every helper thread has ended (after <see cref="Dispose"/>).</summary>
    public bool HelpersStopped => _helpers.All(h => !h.IsAlive);

    /// <summary>Runs tasks 0..tasks-1 on the calling thread and as many helpers as are useful; returns when all are done.</summary>
    public void Run(IParallelWork work, int tasks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int helpers = Math.Min(_helpers.Length, tasks - 1);
        if (helpers <= 0)
        {
            for (int t = 0; t < tasks; t++) work.Execute(t, 0);
            return;
        }
        _work = work;
        _tasks = tasks;
        _error = null;
        Volatile.Write(ref _completed, 0);
        int generation = _generation + 1, parts = helpers + 1;
        _parts = parts;
        // Publish the run: the work, counts and part ends are written before the claim counters and the
        // generation that make them reachable.
        for (int p = 0; p < parts; p++)
        {
            _ends[p * Stride] = (int)((long)(p + 1) * tasks / parts);
            Interlocked.Exchange(ref _claims[p * Stride], ((long)generation << 32) | (uint)((long)p * tasks / parts));
        }
        // A full fence between publishing the generation and reading the parked flags (Dekker with Park):
        // a helper that parks either sees this generation or is seen parked and released.
        Interlocked.Exchange(ref _generation, generation);
        for (int i = 0; i < helpers; i++)
            if (Volatile.Read(ref _parked[i * ParkedStride]) != 0) _wake[i].Release();
        Work(0, generation);
        WaitForTasks(tasks);
        // Close the run before the next one writes its bounds: a helper that read this run's exhausted
        // counter and then the next run's larger end must fail its compare-and-swap, not take a task past
        // this run's part.
        for (int p = 0; p < parts; p++) Interlocked.Exchange(ref _claims[p * Stride], ((long)generation << 32) | int.MaxValue);
        _work = null;
        if (_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void WaitForTasks(int tasks)
    {
        // Spin (yielding the core to other threads) for as long as helpers spin for work: a helper still on
        // its last task usually ends within microseconds, while blocking here costs a futex wake of tens
        // of microseconds per operator.
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _completed) != tasks)
        {
            if (spinner.NextSpinWillYield && System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                lock (_gate)
                {
                    while (Volatile.Read(ref _completed) != tasks) Monitor.Wait(_gate);
                }
                return;
            }
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// How long a helper keeps watching for the next operator before it parks: a model's operators follow
    /// each other within microseconds, and waking a parked thread costs tens of microseconds per operator.
    /// </summary>
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000; // 200 us

    private void HelperLoop(int worker)
    {
        int seen = Volatile.Read(ref _generation);
        while (true)
        {
            // Spin (yielding the core to other threads) until the next Run or the time is up, then park
            // until a Run or Dispose releases this helper. A running helper starts on the generation
            // alone: no semaphore round trip between the cores on every operator.
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            var spinner = new SpinWait();
            int generation;
            while ((generation = Volatile.Read(ref _generation)) == seen && !_disposed)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline) spinner.SpinOnce(sleep1Threshold: -1);
                else Park(worker, seen);
            }
            if (_disposed) return;
            seen = generation;
            Volatile.Write(ref _helperAllocated[worker - 1], GC.GetAllocatedBytesForCurrentThread());
            Work(worker, seen);
        }
    }

    /// <summary>
    /// Blocks helper <paramref name="worker"/> unless a run newer than <paramref name="seen"/> has begun.
    /// The flag is raised with a full fence before the generation is read again, and Run publishes the
    /// generation with a full fence before it reads the flag, so a run either is seen here or releases
    /// this helper. A release that finds the helper already awake leaves a count behind: the next park
    /// then returns at once, and the caller's loop parks again.
    /// </summary>
    private void Park(int worker, int seen)
    {
        ref int parked = ref _parked[(worker - 1) * ParkedStride];
        Interlocked.Exchange(ref parked, 1);
        if (Volatile.Read(ref _generation) == seen && !_disposed) _wake[worker - 1].Wait();
        Volatile.Write(ref parked, 0);
    }

    /// <summary>
    /// Claims and runs tasks of run <paramref name="generation"/>: its own part first, then the others in
    /// turn, until none is left (or the run is over).
    /// </summary>
    private void Work(int worker, int generation)
    {
        int parts = Volatile.Read(ref _parts);
        // Tasks this worker ran, counted once when it finds none left: an interlocked add on the shared
        // counter per task would move its cache line between the cores every task.
        int done = 0;
        for (int i = 0; i < parts; i++)
        {
            int p = (worker + i) % parts;
            while (true)
            {
                long claim = Volatile.Read(ref _claims[p * Stride]);
                // The run is over (or a newer one began). Not while this worker holds uncounted tasks:
                // the run cannot end before they are counted.
                if ((int)(claim >> 32) != generation) break;
                int task = (int)claim;
                if (task >= Volatile.Read(ref _ends[p * Stride])) break;
                if (Interlocked.CompareExchange(ref _claims[p * Stride], claim + 1, claim) != claim) continue;
                // Holding a task of this run, the run cannot end, so _work and _tasks are this run's.
                if (Volatile.Read(ref _error) is null)
                {
                    try
                    {
                        _work!.Execute(task, worker);
                    }
                    catch (Exception e)
                    {
                        // The remaining tasks are claimed and counted without running.
                        Interlocked.CompareExchange(ref _error, e, null);
                    }
                }
                done++;
            }
        }
        if (done > 0 && Interlocked.Add(ref _completed, done) == Volatile.Read(ref _tasks))
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var wake in _wake) wake.Release();
        foreach (var helper in _helpers) helper.Join();
        foreach (var wake in _wake) wake.Dispose();
    }
}
