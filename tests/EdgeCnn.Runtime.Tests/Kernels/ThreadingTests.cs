using EdgeCnn.Model;
using EdgeCnn.Quantization;
using EdgeCnn.Reference;
using EdgeCnn.Threading;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>
/// Sessions with 1..4 threads compute the reference bit for bit, allocate nothing per run on any thread,
/// and join their workers on dispose.
/// </summary>
public class ThreadingTests
{
    [Theory]
    [InlineData("mobile-block")]
    [InlineData("grouped")]
    public void EveryThreadCountGivesTheReferenceResult(string modelName)
    {
        var definition = KernelTestModels.ByName(modelName);
        using var model = EdgeModel.FromDefinition(definition);
        for (int seed = 0; seed < 3; seed++)
        {
            var input = KernelTestModels.RandomInput(seed);
            var expected = ReferenceChain(definition, input);
            for (int threads = 1; threads <= 4; threads++)
            {
                using var session = model.CreateSession(new SessionOptions { Threads = threads });
                var actual = session.Run<sbyte>(input, KernelTestModels.InputShape).ToArray();
                Assert.True(expected.SequenceEqual(actual), $"{modelName}, {threads} threads, input seed {seed}: output differs from the reference chain");
            }
        }
    }

    /// <summary>
    /// With several threads the residual model's blocks run as row-band groups (depthwise, projection,
    /// Add, Mul and the next expansion, band by band without barriers); every thread count must give the
    /// one-thread bytes, which run step by step. The plan must really group, or this would check nothing.
    /// </summary>
    [Fact]
    public void RowBandGroupsGiveTheOneThreadResult()
    {
        var definition = KernelTestModels.Residual();
        using var model = EdgeModel.FromDefinition(definition);
        bool vectors = EdgeCnn.Kernels.KernelTable.BestGemm() is not null && EdgeCnn.Kernels.KernelTable.BestDepthwise() is not null;
        var plan = EdgeCnn.Execution.ExecutionPlan.Build(model.Definition, new EdgeCnn.Execution.ModelConstants(model.Definition), shareMemory: true, threads: 2);
        var groups = plan.Stages.OfType<EdgeCnn.Execution.RowBandGroup>().Select(g => string.Join(",", plan.Steps[g.First..(g.Last + 1)].Select(s => s.Name))).ToArray();
        if (vectors)
        {
            // (Without a first-layer kernel for the CPU the stem runs on the GEMM and groups with expand1.)
            Assert.Contains("dw1,project1,add1,scale1,expand2", groups);
            Assert.Contains("dw2,project2,add2", groups);
        }
        else Assert.Empty(groups); // the reference operators run whole
        using var one = model.CreateSession(new SessionOptions { Threads = 1 });
        for (int seed = 0; seed < 3; seed++)
        {
            var input = KernelTestModels.RandomInput(seed);
            var expected = one.Run<sbyte>(input, KernelTestModels.InputShape).ToArray();
            for (int threads = 2; threads <= 4; threads++)
            {
                using var session = model.CreateSession(new SessionOptions { Threads = threads });
                for (int repeat = 0; repeat < 20; repeat++)
                {
                    var actual = session.Run<sbyte>(input, KernelTestModels.InputShape).ToArray();
                    Assert.True(expected.SequenceEqual(actual), $"{threads} threads, input seed {seed}, run {repeat}: output differs from one thread");
                }
            }
        }
    }

    [Theory]
    [InlineData("mobile-block", 6)]
    [InlineData("grouped", 5)]
    public void ConvolutionsAndFullyConnectedRunOnTableKernelsWhenTheCpuHasVectors(string modelName, int steps)
    {
        using var model = EdgeModel.FromDefinition(KernelTestModels.ByName(modelName));
        using var session = model.CreateSession();
        var kernels = session.DescribeKernels();
        Assert.Equal(steps, kernels.Count);
        bool vectors = EdgeCnn.Kernels.KernelTable.BestGemm() is not null;
        foreach (var (step, _, kernel, macs) in kernels)
        {
            Assert.True(macs > 0, step);
            Assert.Equal(vectors, kernel != "reference");
        }
    }

    [Fact]
    public void ThreadedRunAllocatesNothingOnAnyThread()
    {
        using var model = EdgeModel.FromDefinition(KernelTestModels.MobileBlock());
        using var session = model.CreateSession(new SessionOptions { Threads = 3 });
        var input = KernelTestModels.RandomInput(5);
        // Warm-up, by time: a thread allocates the first time it runs a code path (JIT, lazy statics),
        // the runtime promotes hot methods to optimized code only after 100 ms without new ones, and with
        // tasks taken by whoever is free, a helper may first reach some step's code late.
        var warmup = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 50 || warmup.ElapsedMilliseconds < 500; i++) session.Run<sbyte>(input, KernelTestModels.InputShape);
        long caller = GC.GetAllocatedBytesForCurrentThread();
        long workers = session.WorkerAllocatedBytes;
        for (int i = 0; i < 20; i++) session.Run<sbyte>(input, KernelTestModels.InputShape);
        // A helper records its counter when it wakes, so one more run publishes the previous runs' totals.
        long callerAllocated = GC.GetAllocatedBytesForCurrentThread() - caller;
        session.Run<sbyte>(input, KernelTestModels.InputShape);
        long workersAllocated = session.WorkerAllocatedBytes - workers;
        Assert.True(callerAllocated == 0, $"the calling thread allocated {callerAllocated} bytes in 20 runs");
        Assert.True(workersAllocated == 0, $"the worker threads allocated {workersAllocated} bytes in 20 runs");
    }

    [Fact]
    public void DisposeJoinsTheWorkers()
    {
        using var model = EdgeModel.FromDefinition(KernelTestModels.MobileBlock());
        var session = model.CreateSession(new SessionOptions { Threads = 4 });
        session.Run<sbyte>(KernelTestModels.RandomInput(1), KernelTestModels.InputShape);
        var pool = new WorkerPool(3);
        var work = new CountingWork();
        pool.Run(work, 100);
        Assert.Equal(100, work.Count);
        Assert.False(pool.HelpersStopped);
        pool.Dispose();
        Assert.True(pool.HelpersStopped);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Run(work, 2));
        Assert.Throws<ObjectDisposedException>(() => session.Run());
    }

    [Fact]
    public void AnExceptionInAWorkerReachesTheCaller()
    {
        using var pool = new WorkerPool(3);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(new FailingWork(), 50));
        Assert.Contains("task 17", error.Message);
        var work = new CountingWork();
        pool.Run(work, 10);
        Assert.Equal(10, work.Count);
    }

    /// <summary>
    /// Runs of different sizes back to back, many thousand times: every task of every run runs exactly
    /// once. A helper that wakes late (or reads one run's exhausted counter and the next run's task count)
    /// must take nothing; a claim past a run's end once made a later run wait forever, hence the time limit.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task BackToBackRunsRunEveryTaskExactlyOnce(int threads)
    {
        var cancel = TestContext.Current.CancellationToken;
        var stress = Task.Run(() =>
        {
            using var pool = new WorkerPool(threads);
            var work = new RecordingWork(16);
            for (int run = 0; run < 20000; run++)
            {
                int tasks = 2 + run % 15;
                work.Reset();
                pool.Run(work, tasks);
                for (int t = 0; t < 16; t++)
                    if (work.Count(t) != (t < tasks ? 1 : 0)) return $"run {run} ({tasks} tasks): task {t} ran {work.Count(t)} times";
            }
            return "";
        }, cancel);
        // A run that waits for a task that never ends would hang the test instead of failing it.
        Assert.Equal("", await stress.WaitAsync(TimeSpan.FromSeconds(60), cancel));
    }

    /// <summary>
    /// A helper parks after 200 us without work; the next run must wake it. Each run here is two tasks
    /// that wait for each other, so it ends only if the parked helper came back: a wake-up lost between
    /// parking and a new run would leave the caller alone, and its task would give up waiting.
    /// </summary>
    [Fact]
    public async Task AParkedHelperWakesForTheNextRun()
    {
        var cancel = TestContext.Current.CancellationToken;
        var rounds = Task.Run(() =>
        {
            using var pool = new WorkerPool(2);
            var work = new RendezvousWork();
            for (int round = 0; round < 300; round++)
            {
                // Mostly long enough for the helper to park; sometimes right at the edge of its spin.
                if (round % 3 == 0) Thread.Sleep(2);
                else Thread.SpinWait(round * 50);
                work.Reset();
                pool.Run(work, 2);
                if (!work.Met) return $"round {round}: one worker waited alone for 5 s";
            }
            return "";
        }, cancel);
        Assert.Equal("", await rounds.WaitAsync(TimeSpan.FromSeconds(120), cancel));
    }

    private sealed class RendezvousWork : IParallelWork
    {
        private int _arrived;
        private int _timedOut;
        public bool Met => Volatile.Read(ref _timedOut) == 0;
        public void Reset()
        {
            _arrived = 0;
            _timedOut = 0;
        }

        public void Execute(int task, int worker)
        {
            Interlocked.Increment(ref _arrived);
            long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + 5 * System.Diagnostics.Stopwatch.Frequency;
            while (Volatile.Read(ref _arrived) < 2)
            {
                if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
                {
                    Volatile.Write(ref _timedOut, 1);
                    return;
                }
                Thread.Yield();
            }
        }
    }

    private sealed class RecordingWork(int capacity) : IParallelWork
    {
        private readonly int[] _counts = new int[capacity];
        public int Count(int task) => Volatile.Read(ref _counts[task]);
        public void Reset() => Array.Clear(_counts);
        public void Execute(int task, int worker) => Interlocked.Increment(ref _counts[task]);
    }

    private sealed class CountingWork : IParallelWork
    {
        private int _count;
        public int Count => _count;
        public void Execute(int task, int worker) => Interlocked.Increment(ref _count);
    }

    private sealed class FailingWork : IParallelWork
    {
        public void Execute(int task, int worker)
        {
            if (task == 17) throw new InvalidOperationException("task 17 failed");
        }
    }

    /// <summary>The model run operator by operator on the reference kernels, dequantized like Run().</summary>
    private static float[] ReferenceChain(EcnnModel m, sbyte[] input)
    {
        var values = new Dictionary<int, sbyte[]> { [m.Inputs[0]] = input };
        foreach (var op in m.Operators)
        {
            var x = m.Tensors[op.Inputs[0]];
            var w = m.Tensors[op.Inputs[1]];
            var y = m.Tensors[op.Outputs[0]];
            var weights = w.Data!.Select(b => (sbyte)b).ToArray();
            var bias = Enumerable.Range(0, m.Tensors[op.Inputs[2]].Data!.Length / 4).Select(i => BitConverter.ToInt32(m.Tensors[op.Inputs[2]].Data!, 4 * i)).ToArray();
            var multipliers = QuantMath.Multipliers(x.Scale, w.Scales, y.Scale);
            var q = new ConvQuantization(x.ZeroPoint, y.ZeroPoint, op.ActivationMin, op.ActivationMax);
            var output = new sbyte[y.ElementCount];
            var inShape = Shape4.FromShape(x.Shape);
            var outShape = Shape4.FromShape(y.Shape);
            switch (op.Type)
            {
                case OpType.Conv2D:
                    Conv2D.Run(values[op.Inputs[0]], weights, bias, multipliers, ConvGeometry.ForConv(inShape, outShape, w.Shape[1], w.Shape[2], op.Conv), q, output);
                    break;
                case OpType.DepthwiseConv2D:
                    DepthwiseConv2D.Run(values[op.Inputs[0]], weights, bias, multipliers, ConvGeometry.ForDepthwise(inShape, outShape, w.Shape[1], w.Shape[2], op.Conv), q, output);
                    break;
                default:
                    FullyConnected.Run(values[op.Inputs[0]], weights, bias, multipliers, 1, w.Shape[1], w.Shape[0], q, output);
                    break;
            }
            values[op.Outputs[0]] = output;
        }
        var result = m.Tensors[m.Outputs[0]];
        return values[m.Outputs[0]].Select(v => QuantMath.Dequantize(v, result.Scale, result.ZeroPoint)).ToArray();
    }
}
