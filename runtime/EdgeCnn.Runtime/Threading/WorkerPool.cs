using System.Runtime.ExceptionServices;

namespace EdgeCnn.Threading;

/// <summary>
/// A small persistent pool owned by one session: Threads - 1 helper threads that park on a semaphore
/// between operators, plus the calling thread as worker 0. <see cref="Run"/> hands out task numbers
/// through one interlocked counter, so a slow or preempted worker never holds up the rest, and allocates
/// nothing. Which worker runs which task never changes the result: every task writes its own outputs
/// with the same arithmetic. Dispose stops and joins the helpers.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _helpers;
    private readonly SemaphoreSlim[] _wake;
    private readonly long[] _helperAllocated;
    // The caller waits for the helpers by spinning (up to SpinTicks), then on this monitor (no lazy allocation,
    // unlike ManualResetEventSlim, whose lock object appears the first time a wait really blocks).
    private readonly object _gate = new();
    private IParallelWork? _work;
    private int _tasks;
    private int _next;
    private int _running;
    private int _generation;
    private Exception? _error;
    private volatile bool _disposed;

    public WorkerPool(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "a pool needs at least one thread");
        Threads = threads;
        _helpers = new Thread[threads - 1];
        _wake = new SemaphoreSlim[threads - 1];
        _helperAllocated = new long[threads - 1];
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
        _next = 0;
        _error = null;
        Volatile.Write(ref _running, helpers + 1);
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < helpers; i++) _wake[i].Release();
        Work(0);
        WaitForHelpers();
        _work = null;
        if (_error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void WaitForHelpers()
    {
        // Spin (yielding the core to other threads) for as long as helpers spin for work: a helper that is
        // still on its last task usually ends within microseconds, while blocking here costs a futex wake
        // of tens of microseconds per operator (seen on a 2-core VM: a third of MobileNetV2's waits blocked).
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        var spinner = new SpinWait();
        while (Volatile.Read(ref _running) != 0)
        {
            if (spinner.NextSpinWillYield && System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                lock (_gate)
                {
                    while (Volatile.Read(ref _running) != 0) Monitor.Wait(_gate);
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
        var wake = _wake[worker - 1];
        int seen = Volatile.Read(ref _generation);
        while (true)
        {
            // Spin (yielding the core to other threads) until the next Run or the time is up, then park.
            // The semaphore is always consumed, so a Release is never left over for a later round.
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
            var spinner = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !_disposed && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
                spinner.SpinOnce(sleep1Threshold: -1);
            wake.Wait();
            seen = Volatile.Read(ref _generation);
            if (_disposed) return;
            Volatile.Write(ref _helperAllocated[worker - 1], GC.GetAllocatedBytesForCurrentThread());
            Work(worker);
        }
    }

    private void Work(int worker)
    {
        try
        {
            var work = _work!;
            int tasks = _tasks;
            int t;
            while ((t = Interlocked.Increment(ref _next) - 1) < tasks) work.Execute(t, worker);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            // Stop handing out the remaining tasks.
            Volatile.Write(ref _next, int.MaxValue / 2);
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                lock (_gate) Monitor.PulseAll(_gate);
            }
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
