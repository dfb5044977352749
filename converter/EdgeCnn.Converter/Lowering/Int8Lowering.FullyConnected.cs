using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

// Gemm and MatMul with a constant right-hand side -> FullyConnected with weights [out, in]. When the
// input is the flatten of a feature map, the runtime flattens it in NHWC order, so the weight columns
// are permuted from ONNX's NCHW flatten order (DESIGN.md section 2).
public sealed partial class Int8Lowering
{
    private void LowerGemm(GraphNode node)
    {
        if (node.GetInt("transA", 0) != 0) throw Fail(node, "transA = 1 is not supported (the activation must be [N, K])");
        var b = ConstantInput(node, 1, "weight");
        if (b.Rank != 2) throw Fail(node, $"weight shape {Format(b.Shape)} is not a matrix");
        bool transB = node.GetInt("transB", 0) != 0;
        float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        int outF = transB ? b.Shape[0] : b.Shape[1], inF = transB ? b.Shape[1] : b.Shape[0];
        var src = b.AsFloats();
        var weights = new float[src.Length];
        for (int o = 0; o < outF; o++)
            for (int k = 0; k < inF; k++)
                weights[o * inF + k] = alpha * (transB ? src[o * inF + k] : src[k * outF + o]);
        var bias = new float[outF];
        var c = OptionalConstantInput(node, 2, "bias");
        if (c is not null)
        {
            var cv = c.AsFloats();
            if (cv.Length != 1 && cv.Length != outF) throw Fail(node, $"bias of shape {Format(c.Shape)} must broadcast over the {outF} outputs per row");
            for (int o = 0; o < outF; o++) bias[o] = beta * cv[cv.Length == 1 ? 0 : o];
        }
        EmitFullyConnected(node, weights, bias, outF, inF);
    }

    private void LowerMatMul(GraphNode node)
    {
        var b = ConstantInput(node, 1, "right-hand matrix");
        if (b.Rank != 2) throw Fail(node, $"right-hand side {Format(b.Shape)} must be a constant matrix [K, N]");
        int inF = b.Shape[0], outF = b.Shape[1];
        var src = b.AsFloats();
        var weights = new float[src.Length];
        for (int o = 0; o < outF; o++)
            for (int k = 0; k < inF; k++)
                weights[o * inF + k] = src[k * outF + o];
        EmitFullyConnected(node, weights, new float[outF], outF, inF);
    }

    private void EmitFullyConnected(GraphNode node, float[] weights, float[] bias, int outF, int inF)
    {
        var x = Value(node.Inputs[0], $"node {node.Describe()}");
        if (x.OnnxShape.Length != 2)
            throw Fail(node, $"input '{node.Inputs[0]}' has shape {Format(x.OnnxShape)}; a fully connected layer takes [N, K]");
        if (x.OnnxShape[1] != inF) throw Fail(node, $"input has {x.OnnxShape[1]} features, the weights expect {inF}");
        if (x.FlattenOf is { } f && f.H * f.W > 1) weights = PermuteNchwColumnsToNhwc(weights, outF, f.C, f.H, f.W);
        var input = TensorOf(x);
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        var (output, q) = NewOutput(node, outShape, outShape);
        var layer = LayerQuantization.PerOutputChannel(LayerName(node), weights, outF, bias, input.Scale, q.Scale);
        int weightIndex = AddInt8Constant(node.InputOrNull(1) ?? node.Name + "_weight", [outF, inF], layer.Weights, layer.Scales, axis: 0);
        int biasIndex = AddInt32Constant(node.InputOrNull(2) ?? node.Name + "_bias", layer.Bias);
        AddOperator(OpType.FullyConnected, node.Name, [x.Tensor, weightIndex, biasIndex], [output], clamp: q.Clamp(node.Activation));
    }

    /// <summary>
    /// Column k' = (h * W + w) * C + c of the result (NHWC flatten order) is column k = (c * H + h) * W + w
    /// of <paramref name="weights"/> (NCHW flatten order), row by row.
    /// </summary>
    internal static float[] PermuteNchwColumnsToNhwc(float[] weights, int rows, int c, int h, int w)
    {
        int k = c * h * w;
        var result = new float[weights.Length];
        for (int o = 0; o < rows; o++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        result[o * k + (y * w + x) * c + ch] = weights[o * k + (ch * h + y) * w + x];
        return result;
    }
}
