using System.Globalization;
using System.Text;
using EdgeCnn.Model;

namespace EdgeCnn.Format;

/// <summary>
/// Checks a whole model against the rules of docs/format.md: tensors, graph structure, per-operator
/// types and shapes, the arithmetic a session derives from the scales (ModelValidator.Arithmetic.cs),
/// metadata. A model that passes creates a session and runs without any out-of-bounds access.
/// The reader runs it on every file it parses; the writer runs it before writing (and turns the
/// exception into an ArgumentException), so both sides agree on what a valid model is.
/// </summary>
public sealed partial class ModelValidator
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly EcnnModel model;
    private readonly string source;

    private ModelValidator(EcnnModel model, string source)
    {
        this.model = model;
        this.source = source;
    }

    /// <summary>Throws <see cref="EcnnFormatException"/> naming the first rule <paramref name="model"/> breaks.</summary>
    public static void Validate(EcnnModel model, string source = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(model);
        new ModelValidator(model, source).ValidateAll();
    }

    private void ValidateAll()
    {
        if (model.Tensors is null) throw Fail("tensors", "null", "the tensor list is missing");
        if (model.Operators is null) throw Fail("operators", "null", "the operator list is missing");
        if (model.Inputs is null) throw Fail("graph.inputs", "null", "the graph input list is missing");
        if (model.Outputs is null) throw Fail("graph.outputs", "null", "the graph output list is missing");

        for (int i = 0; i < model.Tensors.Count; i++) ValidateTensor(i);
        var available = ValidateGraphInputs();
        for (int i = 0; i < model.Operators.Count; i++) ValidateOperator(i, available);
        for (int i = 0; i < model.Operators.Count; i++) ValidateArithmetic(i);
        ValidateGraphOutputs();
        ValidateMetadata();
    }

    // ---- tensors ----

    private void ValidateTensor(int i)
    {
        var t = model.Tensors[i];
        string f = $"tensor[{i}]";
        if (t is null) throw Fail(f, "null", "the tensor is missing");
        ValidateText(t.Name, f + ".name", EcnnLayout.MaxNameBytes);
        if (!Enum.IsDefined(t.Type)) throw Fail(f + ".type", (int)t.Type, "the element type is 1 (int8), 2 (int32) or 3 (float32)");
        if (t.Shape is null) throw Fail(f + ".dims", "null", "the shape is missing");
        if (t.Shape.Length > EcnnLayout.MaxRank) throw Fail(f + ".rank", t.Shape.Length, $"the rank is at most {EcnnLayout.MaxRank}");

        long bytes = t.Type.Size();
        for (int d = 0; d < t.Shape.Length; d++)
        {
            if (t.Shape[d] < 1) throw Fail($"{f}.dims[{d}]", t.Shape[d], "dimensions must be positive");
            bytes *= t.Shape[d]; // both factors < 2^31: no overflow in 64 bits
            if (bytes > int.MaxValue)
                throw Fail($"{f}.dims[{d}]", t.Shape[d], $"the tensor {Shape(t.Shape)} would exceed {int.MaxValue} bytes");
        }

        if (t.Scales is null) throw Fail(f + ".scales", "null", "the scale list is missing (use an empty one)");
        int scaleCount = t.Scales.Length;
        if (scaleCount > 1)
        {
            if (t.QuantizedAxis < 0 || t.QuantizedAxis >= t.Shape.Length)
                throw Fail(f + ".quantizedAxis", t.QuantizedAxis, $"per-channel scales need an axis in [0, {t.Shape.Length})");
            if (scaleCount != t.Shape[t.QuantizedAxis])
                throw Fail(f + ".scales.count", scaleCount, $"there must be 0, 1 or dims[{t.QuantizedAxis}] = {t.Shape[t.QuantizedAxis]} scales");
        }
        else if (t.QuantizedAxis != 0)
        {
            throw Fail(f + ".quantizedAxis", t.QuantizedAxis, "the axis is 0 unless the scales are per channel");
        }
        for (int s = 0; s < scaleCount; s++)
        {
            float scale = t.Scales[s];
            if (!float.IsFinite(scale) || scale <= 0f) throw Fail($"{f}.scales[{s}]", scale, "scales must be finite and positive");
        }

        switch (t.Type)
        {
            case ElementType.Int8:
                if (scaleCount == 0) throw Fail(f + ".scales.count", 0, "int8 tensors are quantized and need a scale");
                if (t.ZeroPoint is < sbyte.MinValue or > sbyte.MaxValue) throw Fail(f + ".zeroPoint", t.ZeroPoint, "int8 zero points lie in [-128, 127]");
                if (scaleCount > 1 && t.ZeroPoint != 0) throw Fail(f + ".zeroPoint", t.ZeroPoint, "per-channel quantization is symmetric (zero point 0)");
                if (scaleCount > 1 && !t.IsConstant) throw Fail(f + ".scales.count", scaleCount, "activations have one scale; only constants are per channel");
                break;
            case ElementType.Int32:
                if (!t.IsConstant) throw Fail(f + ".type", "int32", "int32 tensors are constants (biases), not activations");
                if (t.ZeroPoint != 0) throw Fail(f + ".zeroPoint", t.ZeroPoint, "int32 tensors have zero point 0");
                break;
            case ElementType.Float32:
                if (scaleCount != 0) throw Fail(f + ".scales.count", scaleCount, "float32 tensors are not quantized");
                if (t.ZeroPoint != 0) throw Fail(f + ".zeroPoint", t.ZeroPoint, "float32 tensors have zero point 0");
                break;
        }

        if (t.Data is not null && t.Data.Length != bytes)
            throw Fail(f + ".data.length", t.Data.Length, $"{Shape(t.Shape)} {t.Type} needs {bytes} bytes");
    }

    // ---- graph ----

    private bool[] ValidateGraphInputs()
    {
        var available = new bool[model.Tensors.Count];
        for (int i = 0; i < available.Length; i++) available[i] = model.Tensors[i].IsConstant;

        if (model.Inputs.Count == 0) throw Fail("graph.inputs.count", 0, "a model has at least one input");
        var isInput = new bool[model.Tensors.Count];
        for (int k = 0; k < model.Inputs.Count; k++)
        {
            string f = $"graph.inputs[{k}]";
            int index = RequireTensorIndex(model.Inputs[k], f);
            var t = model.Tensors[index];
            if (t.IsConstant) throw Fail(f, index, $"tensor {Describe(index)} is a constant, not an input");
            if (isInput[index]) throw Fail(f, index, $"tensor {Describe(index)} is listed twice");
            if (t.Type == ElementType.Int32) throw Fail(f, index, "graph inputs are int8 or float32");
            isInput[index] = true;
            available[index] = true;
        }
        return available;
    }

    private void ValidateGraphOutputs()
    {
        if (model.Outputs.Count == 0) throw Fail("graph.outputs.count", 0, "a model has at least one output");
        var seen = new bool[model.Tensors.Count];
        var produced = new bool[model.Tensors.Count];
        foreach (var op in model.Operators)
            foreach (int o in op.Outputs) produced[o] = true;
        for (int k = 0; k < model.Outputs.Count; k++)
        {
            string f = $"graph.outputs[{k}]";
            int index = RequireTensorIndex(model.Outputs[k], f);
            if (!produced[index]) throw Fail(f, index, $"tensor {Describe(index)} is not produced by any operator");
            if (seen[index]) throw Fail(f, index, $"tensor {Describe(index)} is listed twice");
            seen[index] = true;
        }
    }

    private int RequireTensorIndex(int index, string field)
    {
        if ((uint)index >= (uint)model.Tensors.Count)
            throw Fail(field, index, $"tensor indices lie in [0, {model.Tensors.Count})");
        return index;
    }

    // ---- metadata ----

    private void ValidateMetadata()
    {
        var m = model.Metadata;
        if (m is null) throw Fail("metadata", "null", "the metadata is missing");
        ValidateText(m.Name, "metadata.name", EcnnLayout.MaxMetadataBytes);
        ValidateText(m.Producer, "metadata.producer", EcnnLayout.MaxMetadataBytes);

        if (m.InputShape is null) throw Fail("metadata.inputShape", "null", "the input shape is missing (use an empty one)");
        if (m.InputShape.Length > EcnnLayout.MaxRank) throw Fail("metadata.inputShape", Shape(m.InputShape), $"the rank is at most {EcnnLayout.MaxRank}");
        if (m.InputShape.Length > 0)
        {
            var first = model.Tensors[model.Inputs[0]].Shape;
            if (!m.InputShape.AsSpan().SequenceEqual(first))
                throw Fail("metadata.inputShape", Shape(m.InputShape), $"graph input 0 has shape {Shape(first)}");
        }

        if (m.Preprocessing is { } p)
        {
            const string f = "metadata.preprocessing";
            if (p.Width is < 1 or > 65536) throw Fail(f + ".width", p.Width, "the width lies in [1, 65536]");
            if (p.Height is < 1 or > 65536) throw Fail(f + ".height", p.Height, "the height lies in [1, 65536]");
            if (p.Channels is not (1 or 3)) throw Fail(f + ".channels", p.Channels, "the channel count is 1 or 3");
            if (p.Mean is null || p.Mean.Length != p.Channels) throw Fail(f + ".mean.count", p.Mean?.Length ?? -1, $"there is one mean per channel ({p.Channels})");
            if (p.Std is null || p.Std.Length != p.Channels) throw Fail(f + ".std.count", p.Std?.Length ?? -1, $"there is one std per channel ({p.Channels})");
            for (int c = 0; c < p.Channels; c++)
            {
                if (!float.IsFinite(p.Mean[c])) throw Fail($"{f}.mean[{c}]", p.Mean[c], "means are finite");
                if (!float.IsFinite(p.Std[c]) || p.Std[c] <= 0f) throw Fail($"{f}.std[{c}]", p.Std[c], "stds are finite and positive");
            }
            if (!Enum.IsDefined(p.ChannelOrder)) throw Fail(f + ".channelOrder", (int)p.ChannelOrder, "the channel order is rgb or bgr");
            if (!(p.CropFraction > 0f && p.CropFraction <= 1f)) throw Fail(f + ".cropFraction", p.CropFraction, "the crop fraction lies in (0, 1]");
            // Preprocessing turns an image into graph input 0, so that input is one NHWC image of this size.
            var input = model.Tensors[model.Inputs[0]].Shape;
            if (input.Length != 4 || input[0] != 1)
                throw Fail(f, Shape(input), "preprocessing needs graph input 0 to be one NHWC image [1, H, W, C]");
            if (p.Width != input[2] || p.Height != input[1] || p.Channels != input[3])
                throw Fail(f, $"{p.Width}x{p.Height}x{p.Channels}", $"graph input 0 {Shape(input)} takes {input[2]}x{input[1]}x{input[3]} images");
        }

        if (m.Labels is null) throw Fail("metadata.labels", "null", "the label list is missing (use an empty one)");
        for (int i = 0; i < m.Labels.Length; i++) ValidateText(m.Labels[i], $"metadata.labels[{i}]", EcnnLayout.MaxMetadataBytes);
        if (m.Properties is null) throw Fail("metadata.properties", "null", "the property map is missing (use an empty one)");
        foreach (var (key, value) in m.Properties)
        {
            ValidateText(key, "metadata.properties", EcnnLayout.MaxMetadataBytes);
            ValidateText(value, $"metadata.properties.{key}", EcnnLayout.MaxMetadataBytes);
        }
    }

    private void ValidateText(string? text, string field, int maxBytes)
    {
        if (text is null) throw Fail(field, "null", "the text is missing");
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            throw Fail(field, MetadataJson.Quote(text), "the text is not valid Unicode (lone surrogate)");
        }
        if (bytes > maxBytes) throw Fail(field, MetadataJson.Quote(text), $"the text is {bytes} bytes of UTF-8; at most {maxBytes} are allowed");
    }

    // ---- messages ----

    private EcnnFormatException Fail(string field, object value, string reason) => new(source, field, FormatValue(value), reason);

    private static string FormatValue(object value) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };

    private string Describe(int tensorIndex) => $"{tensorIndex} '{model.Tensors[tensorIndex].Name}'";

    internal static string Shape(ReadOnlySpan<int> dims)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }

    internal static string Shape(ReadOnlySpan<long> dims)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < dims.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(dims[i].ToString(CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
