using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Passes;

/// <summary>
/// Fixes the graph inputs to static shapes and records the shape and element type of every value.
/// Shapes come from running the float executor once on zero-filled inputs: the executor's kernels are
/// the one definition of each operator's output shape (auto_pad, ceil_mode, Resize rounding, Reshape's
/// 0 and -1 ...), so there is no second copy of those rules to drift from them. The cost is one float
/// inference, negligible for the networks this converter targets.
/// </summary>
public static class ShapeInference
{
    /// <summary>
    /// Runs shape inference. <paramref name="inputShapes"/> overrides the declared shape of an input
    /// (by name). Remaining unknown dims: the batch dim (0) becomes 1, any other is an error naming
    /// the input, since a network's spatial size cannot be guessed.
    /// </summary>
    /// <summary>
    /// Largest graph input the converter accepts (3 x 1024 x 1024): calibration keeps float activations in
    /// memory, and converting a model of this input size already allocates about 850 MB in all.
    /// </summary>
    public const int MaxInputElements = 3 * 1024 * 1024;

    /// <summary>Largest activation an operator that multiplies sizes by an attribute (Resize) may make: 64 MB of float32.</summary>
    public const int MaxActivationElements = 1 << 24;

    public static void Run(ModelGraph graph, IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        var zeros = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in graph.Inputs)
        {
            var value = graph.GetValue(name);
            int[] shape = ResolveInputShape(value, inputShapes?.GetValueOrDefault(name));
            value.Shape = shape;
            if (value.ElementType == TensorElementType.Undefined) value.ElementType = TensorElementType.Float32;
            if (!value.ElementType.IsFloating() && !value.ElementType.IsInteger())
                throw new ConversionException($"input '{name}' has element type {value.ElementType}; image models take a numeric tensor");
            int count;
            try { count = ShapeMath.Product(shape); }
            catch (ArgumentException e) { throw new ConversionException($"input '{name}': {e.Message}", e); }
            if (count > MaxInputElements)
                throw new ConversionException(
                    $"input '{name}' of shape [{string.Join(",", shape)}] has {count} elements; the converter takes at most {MaxInputElements} (a 1024x1024 RGB image): its float executor holds every activation in memory");
            zeros[name] = value.ElementType.IsFloating()
                ? new Tensor(shape, new float[count], value.ElementType)
                : new Tensor(shape, new long[count], value.ElementType);
        }
        new FloatExecutor(graph).Run(zeros, (name, tensor) =>
        {
            if (!graph.Values.TryGetValue(name, out var value))
                value = graph.AddValue(new GraphValue(name));
            value.Shape = (int[])tensor.Shape.Clone();
            value.ElementType = tensor.ElementType;
        });
    }

    private static int[] ResolveInputShape(GraphValue input, int[]? given)
    {
        if (given is not null)
        {
            if (input.Shape is not null && input.Shape.Length != given.Length)
                throw new ConversionException(
                    $"input '{input.Name}' has rank {input.Shape.Length}, the given shape [{string.Join(",", given)}] has rank {given.Length}");
            for (int i = 0; i < given.Length; i++)
            {
                if (given[i] <= 0) throw new ConversionException($"input '{input.Name}': dimension {i} of the given shape is {given[i]}");
                if (input.Shape is not null && input.Shape[i] >= 0 && input.Shape[i] != given[i])
                    throw new ConversionException(
                        $"input '{input.Name}' has fixed dimension {i} = {input.Shape[i]}, the given shape says {given[i]}");
            }
            return (int[])given.Clone();
        }
        if (input.Shape is null)
            throw new ConversionException($"input '{input.Name}' has no declared shape; give its shape (e.g. --input-size)");
        var shape = (int[])input.Shape.Clone();
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] >= 0) continue;
            if (i == 0) { shape[i] = 1; continue; }
            throw new ConversionException(
                $"input '{input.Name}' has a dynamic dimension {i} (shape [{string.Join(",", Array.ConvertAll(input.Shape, d => d < 0 ? "?" : d.ToString()))}]); give the input size (e.g. --input-size)");
        }
        return shape;
    }
}
