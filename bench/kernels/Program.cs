using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeCnn.Kernels;
using EdgeCnn.Kernels.Depthwise;
using EdgeCnn.Kernels.Gemm;
using EdgeCnn.Kernels.Isa;
using EdgeCnn.KernelBench;
using EdgeCnn.Reference;

// Kernel microbenchmarks. Usage: EdgeCnn.KernelBench [peak|gemm|layers [NAME FILTER]|threads|all|verify]
string mode = args.Length > 0 ? args[0] : "all";
if (mode == "verify") return Verify.Run();
if (mode is not ("peak" or "gemm" or "layers" or "threads" or "all"))
{
    Console.Error.WriteLine($"unknown mode '{mode}': use peak, gemm, layers, threads, all or verify");
    return 2;
}
Console.WriteLine($"EdgeCnn kernel benchmark, one thread. {IsaSupport.Describe()}");
Console.WriteLine($"{Environment.ProcessorCount} logical CPUs, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");

double dotPeak = 0;
if (mode is "peak" or "gemm" or "all") dotPeak = MeasurePeaks();
if (mode is "gemm" or "all") MeasureGemm(dotPeak);
if (mode is "layers" or "all") MeasureLayers(args.Length > 1 ? args[1] : "");
if (mode is "threads" or "all") Threads.Run();
return 0;

static double MeasurePeaks()
{
    double dot = 0;
    const long iterations = 200_000;
    if (AvxVnni.IsSupported)
    {
        double s = BestTime.SecondsPerCall(() => Peak.Vpdpbusd256(iterations));
        dot = iterations * Peak.Vpdpbusd256MacsPerIteration / s / 1e9;
        Console.WriteLine($"peak vpdpbusd ymm  : {dot,7:F1} GMAC/s (int8)");
    }
    if (Avx512BW.IsSupported)
    {
        double s = BestTime.SecondsPerCall(() => Peak.Vpmaddwd512(iterations));
        Console.WriteLine($"peak vpmaddwd zmm  : {iterations * Peak.Vpmaddwd512MacsPerIteration / s / 1e9,7:F1} GMAC/s (int16, + vpaddd)");
    }
    if (Dp.IsSupported)
    {
        double s = BestTime.SecondsPerCall(() => Peak.Sdot128(iterations));
        dot = iterations * Peak.Sdot128MacsPerIteration / s / 1e9;
        Console.WriteLine($"peak sdot          : {dot,7:F1} GMAC/s (int8)");
    }
    if (AdvSimd.Arm64.IsSupported)
    {
        double s = BestTime.SecondsPerCall(() => Peak.Smlal128(iterations));
        double smlal = iterations * Peak.Smlal128MacsPerIteration / s / 1e9;
        Console.WriteLine($"peak smlal/smlal2  : {smlal,7:F1} GMAC/s (int16)");
        if (dot == 0) dot = smlal;
    }
    if (dot == 0) Console.WriteLine("no dot-product instruction on this CPU: efficiency is not reported");
    return dot;
}

static unsafe void MeasureGemm(double peak)
{
    Console.WriteLine();
    Console.WriteLine("1x1 convolution as GEMM on packed weights (M pixels x K in -> N out):");
    var shapes = new[] { (M: 784, K: 512, N: 512), (M: 3136, K: 64, N: 256), (M: 196, K: 1024, N: 1024), (M: 3136, K: 24, N: 144) };
    foreach (var kernel in KernelTable.Gemm.Where(k => k.Info.IsSupported))
    {
        foreach (var (m, k, n) in shapes)
        {
            var layer = Layer.Create("gemm", 1, m, k, n, 1, 1, 0);
            var q = layer.Quantization;
            var packed = kernel.Pack(layer.Weights, n, k, layer.Bias, layer.Multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
            var output = new sbyte[m * n];
            var scratch = new byte[kernel.ScratchBytes(k, m)];
            double seconds;
            fixed (sbyte* input = layer.Input)
            fixed (sbyte* o = output)
            fixed (byte* s = scratch)
            {
                var rows = GemmRows.Convolution(input, layer.Geometry, q.InZp);
                sbyte* ip = input, op = o;
                byte* sp = s;
                seconds = BestTime.SecondsPerCall(() => kernel.Run(GemmRows.Convolution(ip, layer.Geometry, q.InZp), m, packed, op, sp));
            }
            double gmacs = (double)m * k * n / seconds / 1e9;
            string fraction = peak > 0 ? $"{100 * gmacs / peak,5:F1}% of peak" : "";
            Console.WriteLine($"  {kernel.Info.Name,-26} M={m,5} K={k,5} N={n,5}: {seconds * 1e3,8:F3} ms {gmacs,7:F1} GMAC/s {fraction}");
        }
    }
}

/// <param name="filter">Only layers whose name contains this text (all when empty).</param>
static unsafe void MeasureLayers(string filter)
{
    Console.WriteLine();
    Console.WriteLine("Layers (MobileNetV2 / ResNet-18 shapes): best kernel vs scalar reference, one thread");
    var layers = new[]
    {
        Layer.Create("first conv 3x3 s2 224x224x3->32", 224, 224, 3, 32, 3, 2, 1),
        Layer.Create("ResNet first conv 7x7 s2 224x224x3->64", 224, 224, 3, 64, 7, 2, 3),
        Layer.Create("Fashion-MNIST first conv 3x3 28x28x1->16", 28, 28, 1, 16, 3, 1, 1),
        Layer.Create("pointwise 56x56 24->144", 56, 56, 24, 144, 1, 1, 0),
        Layer.Create("pointwise 14x14 384->64", 14, 14, 384, 64, 1, 1, 0),
        Layer.Create("depthwise 3x3 s1 112x112x32", 112, 112, 32, 32, 3, 1, 1, depthwise: true),
        Layer.Create("depthwise 3x3 s1 56x56x144", 56, 56, 144, 144, 3, 1, 1, depthwise: true),
        Layer.Create("depthwise 3x3 s2 56x56x144", 56, 56, 144, 144, 3, 2, 1, depthwise: true),
        Layer.Create("depthwise 3x3 s1 7x7x960", 7, 7, 960, 960, 3, 1, 1, depthwise: true),
        Layer.Create("conv 3x3 28x28 128->128", 28, 28, 128, 128, 3, 1, 1),
        Layer.Create("ResNet-18 layer1 conv 3x3 56x56 64->64", 56, 56, 64, 64, 3, 1, 1),
        Layer.Create("ResNet-18 layer4 conv 3x3 7x7 512->512", 7, 7, 512, 512, 3, 1, 1),
        Layer.Create("fully connected 1280->1000", 1, 1, 1280, 1000, 1, 1, 0),
    };
    foreach (var layer in layers.Where(l => l.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
    {
        var g = layer.Geometry;
        var q = layer.Quantization;
        var output = new sbyte[g.OutputShape.Count];
        double reference = layer.Depthwise
            ? BestTime.SecondsPerCall(() => DepthwiseConv2D.Run(layer.Input, layer.Weights, layer.Bias, layer.Multipliers, g, q, output), samples: 3)
            : BestTime.SecondsPerCall(() => Conv2D.Run(layer.Input, layer.Weights, layer.Bias, layer.Multipliers, g, q, output), samples: 8);
        var expected = output.ToArray();
        Console.WriteLine($"  {layer.Name} ({layer.Macs / 1e6:F1} M MACs): reference {reference * 1e3:F2} ms ({layer.Macs / reference / 1e9:F2} GMAC/s)");
        IEnumerable<(string Name, Action Run)> candidates = layer.Depthwise
            ? KernelTable.Depthwise.Where(k => k.Info.IsSupported).Select(k => (k.Info.Name, DepthwiseAction(k, layer, output)))
            : KernelTable.Gemm.Where(k => k.Info.IsSupported).Select(k => (k.Info.Name, GemmAction(k, layer, output)))
                .Concat(EdgeCnn.Kernels.FirstLayer.FirstLayerKernel.Applies(g)
                    ? KernelTable.FirstLayer.Where(k => k.Info.IsSupported).Select(k => (k.Info.Name, FirstLayerAction(k, layer, output)))
                    : []);
        foreach (var (name, run) in candidates)
        {
            double seconds = BestTime.SecondsPerCall(run, samples: 8);
            string exact = output.AsSpan().SequenceEqual(expected) ? "exact" : "DIFFERS FROM REFERENCE";
            Console.WriteLine($"    {name,-26} {seconds * 1e3,8:F3} ms {layer.Macs / seconds / 1e9,7:F1} GMAC/s  x{reference / seconds,6:F1}  {exact}");
        }
    }
}

static unsafe Action GemmAction(GemmKernel kernel, Layer layer, sbyte[] output)
{
    var g = layer.Geometry;
    var q = layer.Quantization;
    int k = g.KernelH * g.KernelW * g.InC, m = g.N * g.OutH * g.OutW;
    var packed = kernel.Pack(layer.Weights, g.OutC, k, layer.Bias, layer.Multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
    var scratch = GC.AllocateArray<byte>(kernel.ScratchBytes(k, m), pinned: true);
    var input = GC.AllocateArray<sbyte>(layer.Input.Length, pinned: true);
    layer.Input.CopyTo(input);
    return () =>
    {
        fixed (sbyte* i = input)
        fixed (sbyte* o = output)
        fixed (byte* s = scratch)
            kernel.Run(GemmRows.Convolution(i, g, q.InZp), m, packed, o, s);
    };
}

static unsafe Action FirstLayerAction(EdgeCnn.Kernels.FirstLayer.FirstLayerKernel kernel, Layer layer, sbyte[] output)
{
    var packed = kernel.Pack(layer.Weights, layer.Bias, layer.Multipliers, layer.Geometry, layer.Quantization);
    return () =>
    {
        fixed (sbyte* i = layer.Input)
        fixed (sbyte* o = output)
            kernel.Run(i, o, packed);
    };
}

static unsafe Action DepthwiseAction(DepthwiseKernel kernel, Layer layer, sbyte[] output)
{
    var packed = kernel.Pack(layer.Weights, layer.Bias, layer.Multipliers, layer.Geometry, layer.Quantization);
    return () =>
    {
        fixed (sbyte* i = layer.Input)
        fixed (sbyte* o = output)
            kernel.Run(i, o, packed);
    };
}
