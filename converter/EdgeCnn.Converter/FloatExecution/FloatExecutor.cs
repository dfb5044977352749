using System.Collections.Concurrent;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// The float reference executor: runs a <see cref="ModelGraph"/> (ONNX semantics, NCHW) node by node
/// in float32. It is the oracle for the passes (same values before and after), the calibration source
/// (every intermediate tensor is reported to an observer), and the float side of accuracy reports.
/// Convolutions, most of the work, run as a packed FMA GEMM (<see cref="ConvGemm"/>) or per-channel
/// vector loops (<see cref="DepthwiseConv"/>), so calibrating on hundreds of images takes seconds; the
/// rest stays plain loops. Runs may go on in parallel (calibration runs images at once): they share only
/// the packed convolution weights and, one run at a time each, pools of reusable activation arrays.
/// </summary>
public sealed class FloatExecutor
{
    private delegate Tensor[] Kernel(OpContext ctx);

    private static readonly Dictionary<string, Kernel> Kernels = new(StringComparer.Ordinal)
    {
        ["Conv"] = c => [ConvKernels.Conv(c)],
        ["ConvTranspose"] = c => [ConvKernels.ConvTranspose(c)],
        ["DeformConv"] = c => [DeformConvKernel.Run(c)],
        ["MaxPool"] = PoolKernels.MaxPool,
        ["AveragePool"] = PoolKernels.AveragePool,
        ["GlobalAveragePool"] = c => [PoolKernels.Global(c, isMax: false)],
        ["GlobalMaxPool"] = c => [PoolKernels.Global(c, isMax: true)],
        ["Gemm"] = c => [MatrixKernels.Gemm(c)],
        ["MatMul"] = c => [MatrixKernels.MatMul(c)],
        ["Add"] = c => [ElementwiseKernels.Binary(c, '+')],
        ["Sub"] = c => [ElementwiseKernels.Binary(c, '-')],
        ["Mul"] = c => [ElementwiseKernels.Binary(c, '*')],
        ["Div"] = c => [ElementwiseKernels.Binary(c, '/')],
        ["Sum"] = c => [ElementwiseKernels.Sum(c)],
        ["PRelu"] = c => [ElementwiseKernels.PRelu(c)],
        ["Clip"] = c => [ElementwiseKernels.Clip(c)],
        ["Relu"] = c => [ElementwiseKernels.Unary(c)],
        ["LeakyRelu"] = c => [ElementwiseKernels.Unary(c)],
        ["Elu"] = c => [ElementwiseKernels.Unary(c)],
        ["Selu"] = c => [ElementwiseKernels.Unary(c)],
        ["Sigmoid"] = c => [ElementwiseKernels.Unary(c)],
        ["Tanh"] = c => [ElementwiseKernels.Unary(c)],
        ["HardSigmoid"] = c => [ElementwiseKernels.Unary(c)],
        ["HardSwish"] = c => [ElementwiseKernels.Unary(c)],
        ["Softplus"] = c => [ElementwiseKernels.Unary(c)],
        ["Softmax"] = c => [SoftmaxKernels.Run(c, log: false)],
        ["LogSoftmax"] = c => [SoftmaxKernels.Run(c, log: true)],
        ["BatchNormalization"] = c => [NormalizationKernels.BatchNormalization(c)],
        ["LRN"] = c => [NormalizationKernels.Lrn(c)],
        ["ReduceMean"] = c => [NormalizationKernels.ReduceMean(c)],
        ["ReduceL2"] = c => [LayerNormKernels.ReduceL2(c)],
        ["LayerNormalization"] = LayerNormKernels.LayerNormalization,
        ["LpNormalization"] = c => [LayerNormKernels.LpNormalization(c)],
        ["ChannelLayerNorm"] = c => [LayerNormKernels.ChannelLayerNorm(c)],
        ["ChannelL2Norm"] = c => [LayerNormKernels.ChannelL2Norm(c)],
        ["Erf"] = c => [MathKernels.Erf(c)],
        ["Sqrt"] = c => [MathKernels.Sqrt(c)],
        ["Pow"] = c => [MathKernels.Pow(c)],
        ["Gelu"] = c => [MathKernels.Gelu(c)],
        ["Split"] = SplitKernels.Split,
        ["Expand"] = c => [SplitKernels.Expand(c)],
        ["Dropout"] = ShapeKernels.Dropout,
        ["Identity"] = c => [c.Input(0).Clone()],
        ["Flatten"] = c => [ShapeKernels.Flatten(c)],
        ["Reshape"] = c => [ShapeKernels.Reshape(c)],
        ["Concat"] = c => [ShapeKernels.Concat(c)],
        ["Transpose"] = c => [ShapeKernels.Transpose(c)],
        ["Pad"] = c => [PadKernel.Run(c)],
        ["Resize"] = c => [ResizeKernel.Resize(c)],
        ["Upsample"] = c => [ResizeKernel.Upsample(c)],
        ["Shape"] = c => [ShapeKernels.Shape(c)],
        ["Gather"] = c => [ShapeKernels.Gather(c)],
        ["Unsqueeze"] = c => [ShapeKernels.Unsqueeze(c)],
        ["Squeeze"] = c => [ShapeKernels.Squeeze(c)],
        ["Constant"] = c => [ShapeKernels.Constant(c)],
        ["ConstantOfShape"] = c => [ShapeKernels.ConstantOfShape(c)],
        ["Cast"] = c => [ShapeKernels.Cast(c)],
        ["Slice"] = c => [ShapeKernels.Slice(c)],
    };

    private readonly ModelGraph _graph;
    private readonly PackedWeightCache _packedWeights = new();
    private readonly ConcurrentBag<BufferPool> _pools = [];

    public FloatExecutor(ModelGraph graph)
    {
        _graph = graph;
        foreach (var node in graph.Nodes)
            if (!Kernels.ContainsKey(node.OpType))
                throw new ConversionException($"node {node.Describe()}: the float executor has no kernel for operator '{node.OpType}'");
    }

    /// <summary>True when the executor can run nodes of this operator type.</summary>
    public static bool CanRun(string opType) => Kernels.ContainsKey(opType);

    /// <summary>
    /// Runs the graph on <paramref name="inputs"/> (by graph input name) and returns the graph outputs.
    /// <paramref name="observer"/>, when given, sees every node output as it is produced (name, tensor):
    /// the calibration records its ranges and histograms there.
    /// </summary>
    /// <param name="reuseBuffers">
    /// Give an activation's array to a later output once its last reader has run (and keep the arrays
    /// for the executor's next run). The observer must then be done with a tensor when its call returns.
    /// The graph outputs returned are never reused.
    /// </param>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, Action<string, Tensor>? observer = null,
        bool reuseBuffers = false)
    {
        BufferPool? pool = null;
        if (reuseBuffers && !_pools.TryTake(out pool)) pool = new BufferPool();
        try
        {
            var values = RunAll(inputs, observer, keepAll: false, pool is null ? null : new RunBuffers(pool));
            var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var name in _graph.Outputs) outputs[name] = values[name];
            return outputs;
        }
        finally
        {
            if (pool is not null) _pools.Add(pool);
        }
    }

    /// <summary>Runs the graph and returns every value it computed (inputs, constants, intermediates, outputs).</summary>
    public Dictionary<string, Tensor> RunAll(IReadOnlyDictionary<string, Tensor> inputs, Action<string, Tensor>? observer = null) =>
        RunAll(inputs, observer, keepAll: true, buffers: null);

    /// <summary>Runs one node on the given input tensors (constant folding uses this).</summary>
    public static Tensor[] RunNode(GraphNode node, Tensor?[] inputs, int opset) => RunNode(new OpContext(node, inputs, opset));

    private static Tensor[] RunNode(OpContext ctx)
    {
        var node = ctx.Node;
        if (!Kernels.TryGetValue(node.OpType, out var kernel))
            throw new ConversionException($"node {node.Describe()}: the float executor has no kernel for operator '{node.OpType}'");
        Tensor[] outputs;
        try { outputs = kernel(ctx); }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException or InvalidCastException or DivideByZeroException)
        {
            throw new ConversionException($"node {node.Describe()}: {e.Message}", e);
        }
        if (!node.Activation.IsNone && !ctx.ActivationApplied)
        {
            // A fresh output array (the kernel's own, not an input's) is clamped where it lies.
            var output = outputs[0];
            bool shared = output.Floats is null || ctx.Inputs.Any(input => ReferenceEquals(input?.Floats, output.Floats));
            if (shared) outputs[0] = VectorMath.Clamp(output, node.Activation);
            else VectorMath.ClampInPlace(output.Floats!, node.Activation);
        }
        return outputs;
    }

    private Dictionary<string, Tensor> RunAll(IReadOnlyDictionary<string, Tensor> inputs, Action<string, Tensor>? observer, bool keepAll,
        RunBuffers? buffers)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var v in _graph.Values.Values)
            if (v.Constant is not null) values[v.Name] = v.Constant;
        foreach (var name in _graph.Inputs)
        {
            if (!inputs.TryGetValue(name, out var t))
                throw new ConversionException($"graph '{_graph.Name}': no tensor given for input '{name}'");
            CheckInputShape(_graph.GetValue(name), t);
            values[name] = t;
        }

        // Free intermediates after their last reader unless the caller wants them all.
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _graph.Nodes.Count; i++)
            foreach (var input in _graph.Nodes[i].Inputs) lastUse[input] = i;
        var keep = new HashSet<string>(_graph.Outputs, StringComparer.Ordinal);

        for (int i = 0; i < _graph.Nodes.Count; i++)
        {
            var node = _graph.Nodes[i];
            var args = new Tensor?[node.Inputs.Count];
            for (int k = 0; k < args.Length; k++)
            {
                string name = node.Inputs[k];
                if (name.Length == 0) continue;
                args[k] = values.TryGetValue(name, out var t) ? t
                    : throw new ConversionException($"node {node.Describe()}: input '{name}' has not been computed");
            }
            var results = RunNode(new OpContext(node, args, _graph.OpsetVersion, buffers, _packedWeights));
            for (int k = 0; k < node.Outputs.Count && k < results.Length; k++)
            {
                string name = node.Outputs[k];
                if (name.Length == 0) continue;
                if (values.Remove(name, out var replaced)) buffers?.Release(replaced);
                values[name] = results[k];
                buffers?.Hold(results[k]);
                observer?.Invoke(name, results[k]);
            }
            if (!keepAll)
                foreach (var input in node.Inputs)
                    if (input.Length > 0 && lastUse[input] == i && !keep.Contains(input) && !_graph.IsConstant(input) && !_graph.Inputs.Contains(input)
                        && values.Remove(input, out var dead))
                        buffers?.Release(dead);
        }
        foreach (var name in _graph.Outputs)
            if (!values.ContainsKey(name))
                throw new ConversionException($"graph '{_graph.Name}': output '{name}' was not computed by any node");
        return values;
    }

    private static void CheckInputShape(GraphValue declared, Tensor given)
    {
        if (declared.Shape is null) return;
        bool ok = declared.Shape.Length == given.Rank;
        for (int i = 0; ok && i < given.Rank; i++)
            ok = declared.Shape[i] < 0 || declared.Shape[i] == given.Shape[i];
        if (!ok)
            throw new ConversionException(
                $"input '{declared.Name}' has shape {ShapeMath.Format(given.Shape)}, the graph expects {ShapeMath.Format(declared.Shape)}");
    }
}
