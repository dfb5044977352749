using System.Runtime.InteropServices;
using EdgeCnn.Execution;
using EdgeCnn.Model;
using EdgeCnn.Threading;

namespace EdgeCnn;

/// <summary>
/// Runs one model over one arena. A session serves one thread at a time (a concurrent Run throws
/// InvalidOperationException): use one session per thread, or a pool; sessions of one model share its
/// constants. After the first call, <see cref="Run()"/> allocates nothing.
/// </summary>
public sealed partial class InferenceSession : IDisposable
{
    private readonly ExecutionPlan _plan;
    private readonly byte[] _arenaStorage;
    private readonly int _arenaStart;
    private readonly int _arenaLength;
    private readonly TensorSlot _input;
    private readonly TensorSlot[] _outputs;
    private readonly float[]?[] _dequantizedOutputs;
    private readonly string[] _labels;
    private readonly Dictionary<string, TensorSlot> _slotsByName;
    private readonly bool _keepsIntermediates;
    private readonly RunContext _context;
    private bool _disposed;

    internal InferenceSession(EdgeModel model, ExecutionPlan plan, SessionOptions options)
    {
        Model = model;
        _plan = plan;
        var definition = model.Definition;
        _keepsIntermediates = options.KeepIntermediateTensors;
        Threads = options.Threads;
        _context = new RunContext(options.Threads, plan.Steps.Length == 0 ? 0 : plan.Steps.Max(s => s.ScratchBytes));

        // Pinned so the kernels can rely on a fixed, 64-byte aligned base for the session's lifetime.
        _arenaLength = checked((int)Math.Max(plan.Arena.PeakBytes, 1));
        _arenaStorage = GC.AllocateUninitializedArray<byte>(_arenaLength + 64, pinned: true);
        _arenaStart = AlignmentPadding(_arenaStorage);
        foreach (var (slot, data) in plan.Preloaded) data.CopyTo(slot.Bytes(Arena));

        _input = plan.Slots[definition.Inputs[0]]!;
        _outputs = definition.Outputs.Select(o => plan.Slots[o]!).ToArray();
        _dequantizedOutputs = _outputs.Select(o => o.Tensor.Type == ElementType.Float32 ? null : new float[o.ElementCount]).ToArray();
        int classes = _outputs[0].Tensor.Shape[^1];
        var labels = definition.Metadata.Labels;
        _labels = Enumerable.Range(0, classes).Select(i => i < labels.Length ? labels[i] : $"class {i}").ToArray();
        _slotsByName = new Dictionary<string, TensorSlot>(StringComparer.Ordinal);
        foreach (var slot in plan.Slots)
            if (slot is not null) _slotsByName.TryAdd(slot.Tensor.Name, slot);
    }

    public EdgeModel Model { get; }
    public int Threads { get; }

    /// <summary>Bytes of the activation arena (the largest memory a run uses besides weights).</summary>
    public long PeakArenaBytes => _plan.Arena.PeakBytes;

    /// <summary>
    /// Each step with the kernel it runs ("reference" for the scalar operators) and its multiply-accumulates
    /// per run: the rows of a per-layer benchmark table.
    /// </summary>
    internal IReadOnlyList<(string Step, OpType Type, string Kernel, long Macs)> DescribeKernels() =>
        _plan.Steps.Select(s => (s.Name, s.Type, s.Kernel?.Name ?? "reference", s.Macs)).ToArray();

    /// <summary>Bytes allocated so far by the session's helper threads (the zero-allocation tests read it).</summary>
    internal long WorkerAllocatedBytes => _context.Pool.HelperAllocatedBytes;

    /// <summary>The arena layout, printable (TFLite Micro style).</summary>
    public string DescribeArena() => _plan.Arena.Describe();

    /// <summary>NHWC shape of the input.</summary>
    public int[] InputShape => (int[])_input.Tensor.Shape.Clone();
    public ElementType InputType => _input.Tensor.Type;
    public float InputScale => _input.Scale;
    public int InputZeroPoint => _input.ZeroPoint;
    public int OutputCount => _outputs.Length;

    /// <summary>The quantized input tensor inside the arena: fill it (e.g. from a camera frame), then call Run().</summary>
    public Span<sbyte> InputBuffer
    {
        get
        {
            if (_input.Tensor.Type != ElementType.Int8)
                throw new InvalidOperationException($"the model's input is {_input.Tensor.Type}, not a quantized int8 tensor");
            return _input.Int8(Arena);
        }
    }

    private Span<byte> Arena => _arenaStorage.AsSpan(_arenaStart, _arenaLength);

    /// <summary>
    /// Copies the input in and runs. <typeparamref name="T"/> is float (quantized at the boundary with the
    /// input's scale and zero point) or sbyte (already quantized); the shape must equal <see cref="InputShape"/>.
    /// </summary>
    public ReadOnlySpan<float> Run<T>(ReadOnlySpan<T> input, ReadOnlySpan<int> shape) where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Enter();
        try
        {
            CopyInput(input, shape);
            return RunCore();
        }
        finally { Exit(); }
    }

    private void CopyInput<T>(ReadOnlySpan<T> input, ReadOnlySpan<int> shape) where T : unmanaged
    {
        var expected = _input.Tensor.Shape;
        if (!shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"input shape [{string.Join(",", shape.ToArray())}] does not match the model's input shape [{string.Join(",", expected)}] (NHWC)",
                nameof(shape));
        if (input.Length != _input.ElementCount)
            throw new ArgumentException($"input has {input.Length} elements, but shape [{string.Join(",", expected)}] needs {_input.ElementCount}", nameof(input));

        var inputType = _input.Tensor.Type;
        if (typeof(T) == typeof(float))
        {
            var values = MemoryMarshal.Cast<T, float>(input);
            if (inputType == ElementType.Float32) values.CopyTo(_input.Float32(Arena));
            else Reference.Quantize.Run(values, _input.Scale, _input.ZeroPoint, _input.Int8(Arena));
        }
        else if (typeof(T) == typeof(sbyte) && inputType == ElementType.Int8)
        {
            MemoryMarshal.Cast<T, sbyte>(input).CopyTo(_input.Int8(Arena));
        }
        else
        {
            string accepted = inputType == ElementType.Int8 ? "float (Single) or quantized sbyte (SByte)" : "float (Single)";
            throw new ArgumentException($"input elements of type {typeof(T).Name} are not accepted: the model's {inputType} input takes {accepted}", nameof(input));
        }
    }

    /// <summary>
    /// Runs on the contents of <see cref="InputBuffer"/> and returns output 0 as float. A call while another
    /// thread runs this session throws <see cref="InvalidOperationException"/>: one session per thread.
    /// </summary>
    public ReadOnlySpan<float> Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Enter();
        try { return RunCore(); }
        finally { Exit(); }
    }

    private ReadOnlySpan<float> RunCore()
    {
        var arena = Arena;
        foreach (var stage in _plan.Stages) stage.Execute(arena, _context);
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (_dequantizedOutputs[i] is { } buffer)
                Reference.Dequantize.Run(_outputs[i].Int8(arena), _outputs[i].Scale, _outputs[i].ZeroPoint, buffer);
        }
        return GetOutput(0);
    }

    /// <summary>Output <paramref name="index"/> of the last run, as float.</summary>
    public ReadOnlySpan<float> GetOutput(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _outputs.Length);
        return _dequantizedOutputs[index] is { } buffer ? buffer : _outputs[index].Float32(Arena);
    }

    /// <summary>Shape of output <paramref name="index"/>.</summary>
    public int[] GetOutputShape(int index) => (int[])_outputs[index].Tensor.Shape.Clone();

    /// <summary>
    /// The highest-scoring classes of output 0 after a run, best first, with labels from the model's
    /// metadata. Fills as many as <paramref name="destination"/> holds; allocates nothing.
    /// </summary>
    public int TopK(Span<Prediction> destination)
    {
        var scores = GetOutput(0);
        int classes = _labels.Length;
        scores = scores[..classes]; // first batch row
        int k = Math.Min(destination.Length, classes);
        for (int filled = 0; filled < k; filled++)
        {
            int best = -1;
            for (int c = 0; c < classes; c++)
            {
                if (IsTaken(destination[..filled], c)) continue;
                if (best < 0 || scores[c] > scores[best]) best = c;
            }
            destination[filled] = new Prediction(best, _labels[best], scores[best]);
        }
        return k;
    }

    private static bool IsTaken(ReadOnlySpan<Prediction> chosen, int index)
    {
        foreach (var p in chosen)
            if (p.Index == index) return true;
        return false;
    }

    /// <summary>The top <paramref name="k"/> classes of output 0 after a run (allocates the list).</summary>
    public IReadOnlyList<Prediction> TopK(int k)
    {
        var result = new Prediction[Math.Min(k, _labels.Length)];
        TopK(result);
        return result;
    }

    /// <summary>The names of all tensors that can be read with <see cref="GetTensorDequantized"/>.</summary>
    public IEnumerable<string> TensorNames => _slotsByName.Keys;

    /// <summary>
    /// A copy of a tensor after the last run, dequantized. Intermediate tensors keep their values only
    /// when the session was created with <see cref="SessionOptions.KeepIntermediateTensors"/>.
    /// </summary>
    public float[] GetTensorDequantized(string name)
    {
        if (!_slotsByName.TryGetValue(name, out var slot))
            throw new ArgumentException($"the model has no tensor named '{name}'", nameof(name));
        bool isEndpoint = slot == _input || Array.IndexOf(_outputs, slot) >= 0;
        if (!_keepsIntermediates && !isEndpoint)
            throw new InvalidOperationException($"tensor '{name}' shares arena memory; create the session with KeepIntermediateTensors to read it");
        var result = new float[slot.ElementCount];
        if (slot.Tensor.Type == ElementType.Float32) slot.Float32(Arena).CopyTo(result);
        else Reference.Dequantize.Run(slot.Int8(Arena), slot.Scale, slot.ZeroPoint, result);
        return result;
    }

    private static unsafe int AlignmentPadding(byte[] pinned)
    {
        fixed (byte* p = pinned)
        {
            long address = (long)p;
            return (int)((64 - (address & 63)) & 63);
        }
    }

    /// <summary>Stops and joins the session's worker threads.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _context.Dispose();
    }
}
