using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

// Conv -> Conv2D (OHWI) or DepthwiseConv2D (1HWC); ConvTranspose -> TransposedConv2D; a lone
// BatchNormalization -> a 1x1 depthwise convolution (its per-channel scale and shift are exactly that).
public sealed partial class Int8Lowering
{
    private void LowerConv(GraphNode node)
    {
        var x = RequireImage(node, 0);
        var input = TensorOf(x);
        var w = ConstantInput(node, 1, "weight");
        var b = OptionalConstantInput(node, 2, "bias");
        if (w.Rank != 4) throw Fail(node, $"weight shape {Format(w.Shape)} is not 2-D convolution [O, I, KH, KW]");
        int outC = w.Shape[0], inPerGroup = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int inC = x.OnnxShape[1];
        int group = checked((int)node.GetInt("group", 1));
        if (group < 1 || inC % group != 0 || outC % group != 0 || inPerGroup != inC / group)
            throw Fail(node, $"group {group} does not fit {inC} input channels and weights {Format(w.Shape)}");
        var geometry = Geometry(node, x.OnnxShape, kh, kw);
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        var (output, q) = NewOutput(node, Nhwc(outShape), outShape);
        var weights = w.AsFloats();
        float[] bias = b?.AsFloats() ?? new float[outC];
        if (bias.Length != outC) throw Fail(node, $"bias has {bias.Length} values for {outC} output channels");

        bool depthwise = group == inC && group > 1 && inPerGroup == 1;
        int weightIndex;
        QuantizedLayer layer;
        if (depthwise)
        {
            // ONNX [C*m, 1, KH, KW] -> 1HWC with C*m channels: output channel o reads input channel o / m.
            var hwc = new float[weights.Length];
            for (int o = 0; o < outC; o++)
                for (int k = 0; k < kh * kw; k++)
                    hwc[k * outC + o] = weights[o * kh * kw + k];
            layer = LayerQuantization.PerInnermostChannel(LayerName(node), hwc, outC, bias, input.Scale, q.Scale);
            weightIndex = AddInt8Constant(node.Inputs[1], [1, kh, kw, outC], layer.Weights, layer.Scales, axis: 3);
        }
        else
        {
            var ohwi = OihwToOhwi(weights, outC, inPerGroup, kh, kw);
            layer = LayerQuantization.PerOutputChannel(LayerName(node), ohwi, outC, bias, input.Scale, q.Scale);
            weightIndex = AddInt8Constant(node.Inputs[1], [outC, kh, kw, inPerGroup], layer.Weights, layer.Scales, axis: 0);
        }
        int biasIndex = AddInt32Constant(BiasName(node), layer.Bias);
        var p = geometry with { Groups = depthwise ? outC / inC : group };
        AddOperator(depthwise ? OpType.DepthwiseConv2D : OpType.Conv2D, node.Name, [x.Tensor, weightIndex, biasIndex], [output],
            p.ToInts(), clamp: q.Clamp(node.Activation));
    }

    private void LowerConvTranspose(GraphNode node)
    {
        var x = RequireImage(node, 0);
        var input = TensorOf(x);
        var w = ConstantInput(node, 1, "weight");
        var b = OptionalConstantInput(node, 2, "bias");
        if (w.Rank != 4) throw Fail(node, $"weight shape {Format(w.Shape)} is not 2-D [C_in, C_out/group, KH, KW]");
        int group = checked((int)node.GetInt("group", 1));
        int inC = w.Shape[0], outPerGroup = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        if (inC != x.OnnxShape[1] || inC % group != 0) throw Fail(node, $"weights {Format(w.Shape)} do not fit {x.OnnxShape[1]} input channels in {group} groups");
        int outC = outPerGroup * group, inPerGroup = inC / group;
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        var (output, q) = NewOutput(node, Nhwc(outShape), outShape);
        var src = w.AsFloats();
        // ONNX [C_in, C_out/g, KH, KW] -> OHWI with O = C_out, I = C_in / g.
        var ohwi = new float[src.Length];
        for (int o = 0; o < outC; o++)
        {
            int g = o / outPerGroup, oInGroup = o % outPerGroup;
            for (int i = 0; i < inPerGroup; i++)
            {
                int ci = g * inPerGroup + i;
                for (int y = 0; y < kh; y++)
                    for (int z = 0; z < kw; z++)
                        ohwi[((o * kh + y) * kw + z) * inPerGroup + i] = src[((ci * outPerGroup + oInGroup) * kh + y) * kw + z];
            }
        }
        float[] bias = b?.AsFloats() ?? new float[outC];
        var layer = LayerQuantization.PerOutputChannel(LayerName(node), ohwi, outC, bias, input.Scale, q.Scale);
        int weightIndex = AddInt8Constant(node.Inputs[1], [outC, kh, kw, inPerGroup], layer.Weights, layer.Scales, axis: 0);
        int biasIndex = AddInt32Constant(BiasName(node), layer.Bias);
        var strides = Ints(node, "strides", [1, 1]);
        var dilations = Ints(node, "dilations", [1, 1]);
        var pads = Ints(node, "pads", [0, 0, 0, 0]);
        string autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID")) throw Fail(node, $"auto_pad {autoPad} is not supported for ConvTranspose; export with explicit pads");
        var p = new ConvParams(strides[0], strides[1], dilations[0], dilations[1], pads[0], pads[1], pads[2], pads[3], group);
        AddOperator(OpType.TransposedConv2D, node.Name, [x.Tensor, weightIndex, biasIndex], [output], p.ToInts(), clamp: q.Clamp(node.Activation));
    }

    /// <summary>y = scale[c] * (x - mean[c]) / sqrt(var[c] + eps) + bias[c]: a 1x1 depthwise convolution.</summary>
    private void LowerBatchNormalization(GraphNode node)
    {
        var x = RequireImage(node, 0);
        var input = TensorOf(x);
        int c = x.OnnxShape[1];
        float[] gamma = ConstantInput(node, 1, "scale").AsFloats(), beta = ConstantInput(node, 2, "bias").AsFloats();
        float[] mean = ConstantInput(node, 3, "mean").AsFloats(), variance = ConstantInput(node, 4, "variance").AsFloats();
        if (gamma.Length != c || beta.Length != c || mean.Length != c || variance.Length != c)
            throw Fail(node, $"parameters must have {c} values (one per channel)");
        float eps = node.GetFloat("epsilon", 1e-5f);
        var weights = new float[c];
        var bias = new float[c];
        for (int k = 0; k < c; k++)
        {
            weights[k] = gamma[k] / MathF.Sqrt(variance[k] + eps);
            bias[k] = beta[k] - mean[k] * weights[k];
        }
        var outShape = ShapeOf(node.Outputs[0], $"node {node.Describe()}");
        var (output, q) = NewOutput(node, Nhwc(outShape), outShape);
        var layer = LayerQuantization.PerInnermostChannel(LayerName(node), weights, c, bias, input.Scale, q.Scale);
        int weightIndex = AddInt8Constant(node.Name + "_scale", [1, 1, 1, c], layer.Weights, layer.Scales, axis: 3);
        int biasIndex = AddInt32Constant(node.Name + "_shift", layer.Bias);
        var p = new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 1);
        AddOperator(OpType.DepthwiseConv2D, node.Name, [x.Tensor, weightIndex, biasIndex], [output], p.ToInts(), clamp: q.Clamp(node.Activation));
    }

    private static string BiasName(GraphNode node) => node.InputOrNull(2) ?? node.Name + "_bias";

    private static string LayerName(GraphNode node) => $"node {node.Describe()}";

    internal static float[] OihwToOhwi(float[] w, int o, int i, int kh, int kw)
    {
        var result = new float[w.Length];
        for (int a = 0; a < o; a++)
            for (int b = 0; b < i; b++)
                for (int y = 0; y < kh; y++)
                    for (int z = 0; z < kw; z++)
                        result[((a * kh + y) * kw + z) * i + b] = w[((a * i + b) * kh + y) * kw + z];
        return result;
    }

    /// <summary>Strides, dilations and explicit padding of a Conv (auto_pad resolved against the input size).</summary>
    private static ConvParams Geometry(GraphNode node, int[] inputShape, int kh, int kw)
    {
        var strides = Ints(node, "strides", [1, 1]);
        var dilations = Ints(node, "dilations", [1, 1]);
        var pads = Ints(node, "pads", [0, 0, 0, 0]);
        if (strides.Length != 2 || dilations.Length != 2 || pads.Length != 4)
            throw Fail(node, "only 2-D convolutions are supported");
        string autoPad = node.GetString("auto_pad", "NOTSET");
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var (top, bottom) = SamePadding(inputShape[2], kh, strides[0], dilations[0], autoPad == "SAME_UPPER");
            var (left, right) = SamePadding(inputShape[3], kw, strides[1], dilations[1], autoPad == "SAME_UPPER");
            pads = [top, left, bottom, right];
        }
        else if (autoPad == "VALID") pads = [0, 0, 0, 0];
        else if (autoPad != "NOTSET") throw Fail(node, $"auto_pad '{autoPad}' is unknown");
        return new ConvParams(strides[0], strides[1], dilations[0], dilations[1], pads[0], pads[1], pads[2], pads[3], 1);
    }

    private static (int Before, int After) SamePadding(int size, int kernel, int stride, int dilation, bool upper)
    {
        int output = (size + stride - 1) / stride;
        int total = Math.Max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - size);
        int small = total / 2, large = total - small;
        return upper ? (small, large) : (large, small);
    }
}
