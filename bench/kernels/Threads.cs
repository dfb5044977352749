using EdgeCnn.Execution.Steps;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Threading;

namespace EdgeCnn.KernelBench;

/// <summary>
/// 'threads': one large convolution (ResNet-18 3x3, 28x28, 128 -> 128, as im2col GEMM) split by the
/// session's worker pool exactly as ConvStep splits it, with 1..ProcessorCount threads.
/// </summary>
internal static unsafe class Threads
{
    public static void Run()
    {
        var kernel = KernelTable.BestGemm();
        if (kernel is null)
        {
            Console.WriteLine("threads: no vector GEMM kernel on this CPU");
            return;
        }
        var layer = Layer.Create("conv 3x3 28x28 128->128", 28, 28, 128, 128, 3, 1, 1);
        var g = layer.Geometry;
        var q = layer.Quantization;
        int k = g.KernelH * g.KernelW * g.InC, m = g.OutH * g.OutW;
        var packed = kernel.Pack(layer.Weights, g.OutC, k, layer.Bias, layer.Multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
        var input = GC.AllocateArray<sbyte>(layer.Input.Length, pinned: true);
        layer.Input.CopyTo(input);
        var output = GC.AllocateArray<sbyte>(g.OutputShape.Count, pinned: true);
        Console.WriteLine($"threads: {layer.Name} ({layer.Macs / 1e6:F1} M MACs) on {kernel.Info.Name}, {Environment.ProcessorCount} logical CPUs");
        double single = 0;
        for (int threads = 1; threads <= Environment.ProcessorCount; threads++)
        {
            using var context = new RunContext(threads, kernel.ScratchBytes(k, m));
            var work = new Work(kernel, packed, GemmPartition.For(kernel, m, packed, threads), context,
                GemmRows.Convolution((sbyte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref input[0]), g, q.InZp),
                (sbyte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref output[0]), m);
            double seconds = BestTime.SecondsPerCall(() => context.Pool.Run(work, work.Partition.Tasks));
            if (threads == 1) single = seconds;
            Console.WriteLine($"  {threads} thread(s): {seconds * 1e3,7:F3} ms {layer.Macs / seconds / 1e9,7:F1} GMAC/s  speedup x{single / seconds:F2} ({work.Partition.Tasks} tasks)");
        }
        PoolScaling();
    }

    /// <summary>Pure computation in equal tasks: what the pool gives when the kernels are not the limit.</summary>
    public static void PoolScaling()
    {
        double single = 0;
        for (int threads = 1; threads <= Environment.ProcessorCount; threads++)
        {
            using var pool = new WorkerPool(threads);
            var spin = new Spin();
            double seconds = BestTime.SecondsPerCall(() => pool.Run(spin, 64), samples: 20);
            if (threads == 1) single = seconds;
            Console.WriteLine($"  pool, 64 equal arithmetic tasks, {threads} thread(s): {seconds * 1e3,7:F3} ms  speedup x{single / seconds:F2}, tasks per worker {string.Join("/", spin.PerWorker.Take(threads))}");
        }
        // What one operator pays to fork and join when its tasks do nothing: a MobileNetV2 inference runs
        // about 60 of them.
        for (int threads = 2; threads <= Environment.ProcessorCount; threads++)
        {
            using var pool = new WorkerPool(threads);
            var nothing = new Nothing();
            double seconds = BestTime.SecondsPerCall(() => pool.Run(nothing, 2 * threads), samples: 20);
            Console.WriteLine($"  pool, {2 * threads} empty tasks, {threads} threads: {seconds * 1e6,7:F2} us per fork/join");
        }
        // With empty tasks the caller may run them all before a helper looks. Here every worker must take
        // one task, so a run costs what an operator pays to start its helpers and learn they are done.
        for (int threads = 2; threads <= Environment.ProcessorCount; threads++)
        {
            using var pool = new WorkerPool(threads);
            var meet = new Rendezvous(threads);
            double seconds = BestTime.SecondsPerCall(() => pool.Run(meet.Reset(), threads), samples: 20);
            Console.WriteLine($"  pool, {threads} tasks that wait for each other, {threads} threads: {seconds * 1e6,7:F2} us per fork/join");
        }
    }

    private sealed class Rendezvous(int workers) : IParallelWork
    {
        private int _arrived;

        public Rendezvous Reset()
        {
            _arrived = 0;
            return this;
        }

        public void Execute(int task, int worker)
        {
            Interlocked.Increment(ref _arrived);
            while (Volatile.Read(ref _arrived) < workers) Thread.SpinWait(1);
        }
    }

    private sealed class Nothing : IParallelWork
    {
        public void Execute(int task, int worker) { }
    }

    private sealed class Spin : IParallelWork
    {
        public long Sink;
        public readonly long[] PerWorker = new long[64];

        public void Execute(int task, int worker)
        {
            long x = task;
            for (int i = 0; i < 20_000; i++) x = x * 6364136223846793005L + 1442695040888963407L;
            Interlocked.Add(ref Sink, x);
            Interlocked.Increment(ref PerWorker[worker]);
        }
    }

    private sealed class Work(GemmKernel kernel, PackedGemmWeights w, GemmPartition partition, RunContext context, GemmRows rows, sbyte* output, int m) : IParallelWork
    {
        public GemmPartition Partition => partition;

        public void Execute(int task, int worker)
        {
            var (m0, m1, n0, n1) = partition.Task(task);
            kernel.Run(rows, m, w, m0, m1, n0, n1, output, w.N, context.Scratch(worker));
        }
    }
}
