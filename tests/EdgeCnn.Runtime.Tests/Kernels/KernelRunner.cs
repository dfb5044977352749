using EdgeCnn.Execution.Steps;
using EdgeCnn.Kernels.Depthwise;
using EdgeCnn.Kernels.FirstLayer;
using EdgeCnn.Kernels.Gemm;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>Runs one table kernel on a <see cref="ConvCase"/> the way the execution steps do.</summary>
internal static unsafe class KernelRunner
{
    public static sbyte[] Gemm(GemmKernel kernel, ConvCase c)
    {
        var g = c.Geometry;
        int n = g.OutC, k = g.KernelH * g.KernelW * g.InC, m = g.N * g.OutH * g.OutW;
        var q = c.Quantization;
        var packed = kernel.Pack(c.Weights, n, k, c.Bias, c.Multipliers, q.InZp, q.OutZp, q.QMin, q.QMax);
        var output = new sbyte[g.OutputShape.Count];
        var scratch = new byte[kernel.ScratchBytes(k, m)];
        fixed (sbyte* input = c.Input)
        fixed (sbyte* o = output)
        fixed (byte* s = scratch)
        {
            var rows = GemmRows.Convolution(input, g, q.InZp);
            kernel.Run(rows, m, packed, o, s);
        }
        return output;
    }

    public static sbyte[] FirstLayer(FirstLayerKernel kernel, ConvCase c)
    {
        var packed = kernel.Pack(c.Weights, c.Bias, c.Multipliers, c.Geometry, c.Quantization);
        var output = new sbyte[c.Geometry.OutputShape.Count];
        fixed (sbyte* input = c.Input)
        fixed (sbyte* o = output)
            kernel.Run(input, o, packed);
        return output;
    }

    public static sbyte[] Depthwise(DepthwiseKernel kernel, ConvCase c)
    {
        var packed = kernel.Pack(c.Weights, c.Bias, c.Multipliers, c.Geometry, c.Quantization);
        var output = new sbyte[c.Geometry.OutputShape.Count];
        fixed (sbyte* input = c.Input)
        fixed (sbyte* o = output)
            kernel.Run(input, o, packed);
        return output;
    }

    /// <summary>
    /// The depthwise kernel run over uneven row ranges (1, 2, 3, ... rows), as threads split a layer: a
    /// kernel that carries state from row to row (the widened-row ring) must start afresh in each range.
    /// </summary>
    public static sbyte[] DepthwiseInRowRanges(DepthwiseKernel kernel, ConvCase c)
    {
        var packed = kernel.Pack(c.Weights, c.Bias, c.Multipliers, c.Geometry, c.Quantization);
        var output = new sbyte[c.Geometry.OutputShape.Count];
        fixed (sbyte* input = c.Input)
        fixed (sbyte* o = output)
        {
            int rows = packed.OutputRows;
            for (int begin = 0, size = 1; begin < rows; begin += size, size++)
                kernel.Run(input, o, packed, begin, Math.Min(rows, begin + size));
        }
        return output;
    }

    /// <summary>The depthwise kernel run task by task as <see cref="DepthwisePartition"/> cuts the layer for <paramref name="threads"/> threads.</summary>
    public static sbyte[] DepthwiseInTasks(DepthwiseKernel kernel, ConvCase c, int threads)
    {
        var packed = kernel.Pack(c.Weights, c.Bias, c.Multipliers, c.Geometry, c.Quantization);
        var output = new sbyte[c.Geometry.OutputShape.Count];
        var partition = DepthwisePartition.For(packed.OutputRows, kernel.ChannelBlocks(packed), c.Geometry.OutC, threads);
        fixed (sbyte* input = c.Input)
        fixed (sbyte* o = output)
        {
            for (int t = partition.Tasks - 1; t >= 0; t--)
            {
                var (r0, r1, b0, b1) = partition.Task(t);
                kernel.Run(input, o, packed, r0, r1, b0, b1);
            }
        }
        return output;
    }
}
