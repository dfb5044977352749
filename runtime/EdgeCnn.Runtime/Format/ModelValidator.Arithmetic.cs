using System.Buffers.Binary;
using EdgeCnn.Model;
using EdgeCnn.Quantization;

namespace EdgeCnn.Format;

// Derived arithmetic (docs/format.md section 5): every scale can be finite and positive while a value a
// session computes from them at load is not: in_scale * w_scale / out_scale overflows to Infinity or
// underflows to 0, beta * in_scale overflows. These rules compute the same float32 values the execution
// steps compute (QuantMath.Multiplier, the pool scale ratio, the softmax beta scale, the activation
// table) so that a model the reader accepts is a model a session can run.
public sealed partial class ModelValidator
{
    private void ValidateArithmetic(int i)
    {
        var op = model.Operators[i];
        string f = $"operator[{i}]";
        string what = $"{op.Type} '{op.Name}'";
        TensorDef In(int k) => model.Tensors[op.Inputs[k]];
        TensorDef Out() => model.Tensors[op.Outputs[0]];

        switch (op.Type)
        {
            case OpType.Conv2D: case OpType.DepthwiseConv2D: case OpType.TransposedConv2D: case OpType.FullyConnected:
            {
                var x = In(0); var w = In(1); var y = Out();
                for (int c = 0; c < w.Scales.Length; c++)
                {
                    float m = QuantMath.Multiplier(x.Scale, w.Scales[c], y.Scale);
                    if (!IsUsable(m))
                        throw Fail($"{f}.multiplier[{c}]", m,
                            $"{what}: the requantization multiplier input scale {Text(x.Scale)} ('{x.Name}') * weight scale[{c}] {Text(w.Scales[c])} ('{w.Name}') / output scale {Text(y.Scale)} ('{y.Name}') must be positive and finite");
                }
                break;
            }
            case OpType.AvgPool: case OpType.GlobalAvgPool: case OpType.Concat: case OpType.Resize:
                for (int k = 0; k < op.Inputs.Length; k++) RequireRatio(f, what, In(k), Out(), k);
                break;
            case OpType.PRelu:
            {
                var x = In(0); var y = Out();
                RequireRatio(f, what, x, y, 0);
                var slopes = In(1).Data!;
                for (int c = 0; c < slopes.Length / 4; c++)
                {
                    float slope = BinaryPrimitives.ReadSingleLittleEndian(slopes.AsSpan(4 * c));
                    float m = QuantMath.Multipliers(x.Scale, [slope], y.Scale)[0];
                    if (!float.IsFinite(m))
                        throw Fail($"{f}.negativeMultiplier[{c}]", m,
                            $"{what}: input scale {Text(x.Scale)} * slope[{c}] {Text(slope)} / output scale {Text(y.Scale)} must be finite");
                }
                break;
            }
            case OpType.Add:
            {
                var a = In(0); var b = In(1); var y = Out();
                var alpha = op.AddCoefficients;
                RequireFinite($"{f}.multiplierA", what, QuantMath.Multiplier(alpha.AlphaA, a.Scale, y.Scale), $"alphaA {Text(alpha.AlphaA)} * input A scale {Text(a.Scale)} / output scale {Text(y.Scale)}");
                RequireFinite($"{f}.multiplierB", what, QuantMath.Multiplier(alpha.AlphaB, b.Scale, y.Scale), $"alphaB {Text(alpha.AlphaB)} * input B scale {Text(b.Scale)} / output scale {Text(y.Scale)}");
                break;
            }
            case OpType.Mul:
            {
                var a = In(0); var b = In(1); var y = Out();
                float m = QuantMath.Multiplier(a.Scale, b.Scale, y.Scale);
                if (!IsUsable(m))
                    throw Fail($"{f}.multiplier", m,
                        $"{what}: input A scale {Text(a.Scale)} * input B scale {Text(b.Scale)} / output scale {Text(y.Scale)} must be positive and finite");
                break;
            }
            case OpType.Softmax:
            {
                var x = In(0);
                float beta = op.SoftmaxOptions.Beta;
                float betaScale = beta * x.Scale;
                if (!IsUsable(betaScale))
                    throw Fail($"{f}.betaScale", betaScale, $"{what}: beta {Text(beta)} * input scale {Text(x.Scale)} must be positive and finite");
                break;
            }
            case OpType.LayerNorm: case OpType.L2Norm:
            {
                // The constants ChannelNormStep prepares: gamma / outScale, beta / outScale and the epsilon term.
                var x = In(0); var y = Out();
                int channels = x.Shape[^1];
                try
                {
                    if (op.Type == OpType.L2Norm)
                        Reference.ChannelNormQuantization.L2Norm(channels, x.Scale, x.ZeroPoint, op.Floats[0], y.Scale, y.ZeroPoint, op.ActivationMin, op.ActivationMax);
                    else
                        Reference.ChannelNormQuantization.LayerNorm(channels, x.Scale, x.ZeroPoint, FloatData(In(1)), FloatData(In(2)), op.Floats[0],
                            y.Scale, y.ZeroPoint, op.ActivationMin, op.ActivationMax);
                }
                catch (ArgumentException e)
                {
                    throw Fail($"{f}.normalization", Text(y.Scale), $"{what}: the normalization constants cannot be prepared: {e.Message}");
                }
                break;
            }
            case OpType.Activation:
            {
                var x = In(0); var y = Out();
                try
                {
                    ActivationTable.Build(op.ActivationOptions, x.Scale, x.ZeroPoint, y.Scale, y.ZeroPoint, op.ActivationMin, op.ActivationMax);
                }
                catch (ArgumentException e)
                {
                    throw Fail($"{f}.table", op.ActivationOptions.Kind, $"{what}: the activation table cannot be built: {e.Message}");
                }
                break;
            }
        }
    }

    /// <summary>
    /// in_scale / out_scale of an operator that moves values between quantizations (pooling, concat,
    /// resize, the positive side of PReLU): 0 means the ratio underflowed, which would turn every value
    /// into the output zero point.
    /// </summary>
    private void RequireRatio(string f, string what, TensorDef input, TensorDef output, int k)
    {
        float ratio = QuantMath.Multiplier(input.Scale, 1f, output.Scale);
        if (!IsUsable(ratio))
            throw Fail($"{f}.scaleRatio[{k}]", ratio,
                $"{what}: input scale {Text(input.Scale)} ('{input.Name}') / output scale {Text(output.Scale)} ('{output.Name}') must be positive and finite");
    }

    private void RequireFinite(string field, string what, float value, string formula)
    {
        if (!float.IsFinite(value)) throw Fail(field, value, $"{what}: {formula} must be finite");
    }

    private static bool IsUsable(float value) => value > 0f && float.IsFinite(value);

    private static float[] FloatData(TensorDef constant)
    {
        var values = new float[constant.Data!.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(constant.Data.AsSpan(4 * i));
        return values;
    }

    private static string Text(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
