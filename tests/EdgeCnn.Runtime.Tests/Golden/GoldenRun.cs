using System.Security.Cryptography;
using EdgeCnn.Imaging;
using EdgeCnn.Model;

namespace EdgeCnn.Runtime.Tests.Golden;

/// <summary>
/// Runs one model on one image and hashes what the int8 pipeline produced: the quantized input (image
/// decoding and preprocessing), the int8 tensor the model's output is read from (before any float
/// Softmax or Dequantize, whose float math may differ between libms), and every int8 activation in
/// operator order (so a change anywhere in the graph shows, even one the output would hide).
/// </summary>
internal static class GoldenRun
{
    /// <summary>
    /// The hashes, plus the float outputs of a production session (shared arena, two threads) and of the
    /// hashing session (every tensor kept, one thread): the arena planner and the thread split must not
    /// change a single value.
    /// </summary>
    public static GoldenResult Run(EdgeModel model, string modelName, string imagePath)
    {
        string image = Path.GetFileName(imagePath);
        var definition = model.Definition;
        var decoded = ImageDecoder.Load(imagePath);
        using var session = model.CreateSession(new SessionOptions { Threads = 1, KeepIntermediateTensors = true });
        session.SetInput(decoded);
        string input = Sha256(session.InputBuffer);
        float[] kept = session.Run().ToArray();

        using var all = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var op in definition.Operators)
            foreach (int t in op.Outputs)
                if (IsActivation(definition.Tensors[t])) all.AppendData(Int8Bytes(session, definition.Tensors[t]));
        var outputs = definition.Outputs.Select(o => Int8Bytes(session, definition.Tensors[Int8Source(definition, o)])).SelectMany(b => b).ToArray();

        using var production = model.CreateSession(new SessionOptions { Threads = 2 });
        production.SetInput(decoded);
        float[] shared = production.Run().ToArray();
        return new(
        [
            new(modelName, image, "input", input),
            new(modelName, image, "output", Convert.ToHexStringLower(SHA256.HashData(outputs))),
            new(modelName, image, "activations", Convert.ToHexStringLower(all.GetHashAndReset())),
        ], shared, kept);
    }

    private static bool IsActivation(TensorDef tensor) => tensor.Type == ElementType.Int8 && !tensor.IsConstant;

    /// <summary>The int8 tensor an output comes from: itself, or the input of the float op that made it.</summary>
    private static int Int8Source(EcnnModel definition, int tensor)
    {
        while (definition.Tensors[tensor].Type != ElementType.Int8)
        {
            var producer = definition.Operators.FirstOrDefault(op => op.Outputs.Contains(tensor))
                ?? throw new InvalidOperationException($"output '{definition.Tensors[tensor].Name}' is {definition.Tensors[tensor].Type} and no operator produces it");
            if (producer.Inputs.Length != 1)
                throw new InvalidOperationException($"output '{definition.Tensors[tensor].Name}' comes from {producer.Type} with {producer.Inputs.Length} inputs: no single int8 source");
            tensor = producer.Inputs[0];
        }
        return tensor;
    }

    /// <summary>
    /// The int8 values of a tensor. The session hands tensors out dequantized, (q - zp) * scale in float;
    /// that is exact and invertible for 256 levels, and the inversion is checked, so these are the bytes.
    /// </summary>
    private static byte[] Int8Bytes(InferenceSession session, TensorDef tensor)
    {
        float[] values = session.GetTensorDequantized(tensor.Name);
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int q = (int)MathF.Round(values[i] / tensor.Scale) + tensor.ZeroPoint;
            if (q is < sbyte.MinValue or > sbyte.MaxValue || (q - tensor.ZeroPoint) * tensor.Scale != values[i])
                throw new InvalidOperationException($"tensor '{tensor.Name}' element {i}: {values[i]} is not an int8 level of scale {tensor.Scale}, zero point {tensor.ZeroPoint}");
            bytes[i] = (byte)(sbyte)q;
        }
        return bytes;
    }

    private static string Sha256(ReadOnlySpan<sbyte> values) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values)));
}

/// <summary>What one golden run made: the three hashes and output 0 of both sessions, as float.</summary>
internal sealed record GoldenResult(IReadOnlyList<GoldenHash> Hashes, float[] SharedArenaOutput, float[] KeptTensorsOutput);

/// <summary>One line of the golden file: model, image, what was hashed, SHA-256 (lower-case hex).</summary>
internal sealed record GoldenHash(string Model, string Image, string What, string Sha256)
{
    public override string ToString() => $"{Model}\t{Image}\t{What}\t{Sha256}";

    public static GoldenHash Parse(string line)
    {
        var f = line.Split('\t');
        if (f.Length != 4) throw new FormatException($"golden line '{line}' has {f.Length} tab-separated fields, not 4 (model, image, what, sha256)");
        return new(f[0], f[1], f[2], f[3]);
    }
}
