using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Tests.Onnx.Execution;

/// <summary>The executor's vectorized fused-activation clamp gives, bit for bit, what FusedActivation.Apply gives.</summary>
public sealed class FusedClampTests
{
    public static TheoryData<float, float> Bounds() => new()
    {
        { 0f, float.PositiveInfinity }, { 0f, 6f }, { -1.5f, 2.25f }, { float.NegativeInfinity, float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public void Matches_the_scalar_clamp_on_special_values(float min, float max)
    {
        var activation = FusedActivation.Clip(min, max);
        float[] special = [float.NaN, -0f, 0f, float.PositiveInfinity, float.NegativeInfinity, 6f, -1.5f, 2.25f, 1e-40f, -1e-40f, 7.5f, -3f];
        var values = new float[64 + 5];
        for (int i = 0; i < values.Length; i++) values[i] = special[i % special.Length] * (i % 3 == 0 ? 1f : 0.5f);
        var clamped = VectorMath.Clamp(new Tensor([values.Length], values), activation).AsFloats();
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(activation.Apply(values[i])), BitConverter.SingleToInt32Bits(clamped[i]));
    }
}
