using EdgeCnn.Converter.Graph;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

// ChannelLayerNorm and ChannelL2Norm (made by the normalization passes): LayerNorm / L2Norm over the
// last NHWC axis, which is ONNX axis 1 of a feature map or of [N, C].
public sealed partial class Int8Lowering
{
    private void LowerChannelNorm(GraphNode node, bool layerNorm)
    {
        var x = ActivationInput(node, 0);
        if (!x.IsImage && x.OnnxShape.Length != 2)
            throw Fail(node, $"input '{node.Inputs[0]}' has shape {Format(x.OnnxShape)}; normalization over channels needs [N, C, H, W] or [N, C]");
        int c = x.OnnxShape[1];
        float epsilon = node.GetFloat("epsilon", layerNorm ? 1e-5f : 0f);
        if (!(epsilon >= 0f) || !float.IsFinite(epsilon)) throw Fail(node, $"epsilon {epsilon} must be finite and not negative");
        var (output, q) = NewOutput(node, (int[])TensorOf(x).Shape.Clone(), x.OnnxShape);
        if (!layerNorm)
        {
            AddOperator(OpType.L2Norm, node.Name, [x.Tensor], [output], floats: [epsilon], clamp: q.Clamp(node.Activation));
            return;
        }
        var gamma = ConstantInput(node, 1, "scale").AsFloats();
        var beta = ConstantInput(node, 2, "bias").AsFloats();
        if (gamma.Length != c || beta.Length != c) throw Fail(node, $"scale and bias need {c} values each (got {gamma.Length} and {beta.Length})");
        int gammaIndex = AddFloatConstant(node.Inputs[1], [c], gamma);
        int betaIndex = AddFloatConstant(node.Inputs[2], [c], beta);
        AddOperator(OpType.LayerNorm, node.Name, [x.Tensor, gammaIndex, betaIndex], [output], floats: [epsilon], clamp: q.Clamp(node.Activation));
    }
}
