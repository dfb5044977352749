using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tflite;

internal sealed partial class TfliteGraphBuilder
{
    /// <summary>RESHAPE (its shape input is ignored: the output tensor's shape is authoritative) and SQUEEZE.</summary>
    private void Reshape(TfliteOperator op, int maxInputs)
    {
        string context = Context(op);
        RequireArity(op, 1, maxInputs);
        var inputTensor = Tensor(op, 0, "input");
        var outputTensor = Output(op);
        TfliteShapes.RequirePositive(inputTensor, _file, context);
        TfliteShapes.RequirePositive(outputTensor, _file, context);
        long inCount = TfliteShapes.ElementCount(inputTensor.Shape, _file, context);
        long outCount = TfliteShapes.ElementCount(outputTensor.Shape, _file, context);
        if (inCount != outCount)
            throw _file.Error($"{context}: input {TfliteShapes.Format(inputTensor.Shape)} and output {TfliteShapes.Format(outputTensor.Shape)} hold different element counts");
        if (_floatOf[inputTensor.Index] != None && _int8Of[inputTensor.Index] == None)
        {
            // Softmax probabilities (float32 here) reshaped: the same floats under another shape, not
            // quantized back to int8 and out again.
            int probabilities = NewFloat(outputTensor, context);
            Emit(OpType.Reshape, [_floatOf[inputTensor.Index]], [probabilities], outputTensor.Name);
            return;
        }
        int input = Int8Input(op, 0, "input");
        var output = PrepareOutput(op, input);
        Emit(OpType.Reshape, [input], [output.Target], outputTensor.Name);
        FinishOutput(op, output);
    }

    /// <summary>PAD of an NHWC tensor with the output zero point (real 0), as TFLite pads quantized tensors.</summary>
    private void Pad(TfliteOperator op)
    {
        string context = Context(op);
        RequireArity(op, 2, 2);
        var inputTensor = Tensor(op, 0, "input");
        var outputTensor = Output(op);
        TfliteShapes.RequireRank(inputTensor, 4, _file, context);
        TfliteShapes.RequirePositive(inputTensor, _file, context);
        var paddingsTensor = Tensor(op, 1, "paddings");
        var paddings = ConstantInts(paddingsTensor, context);
        if (paddings.Length != 8)
            throw _file.Error($"{context}: paddings {paddingsTensor} hold {paddings.Length} values; [4, 2] expected for an NHWC input");
        int[] before = new int[4], after = new int[4], expected = new int[4];
        for (int d = 0; d < 4; d++)
        {
            (before[d], after[d]) = (paddings[2 * d], paddings[2 * d + 1]);
            long size = (long)inputTensor.Shape[d] + before[d] + after[d];
            if (before[d] < 0 || after[d] < 0 || size > int.MaxValue)
                throw _file.Error($"{context}: padding ({before[d]}, {after[d]}) of axis {d} is negative or too large");
            expected[d] = (int)size;
        }
        RequireShape(op, outputTensor, expected);
        int input = Int8Input(op, 0, "input");
        var output = PrepareOutput(op, input);
        Emit(OpType.Pad, [input], [output.Target], outputTensor.Name, new PadParams(before, after).ToInts());
        FinishOutput(op, output);
    }

    /// <summary>
    /// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR. TFLite's coordinate rules in ONNX terms:
    /// align_corners maps corners to corners; half_pixel_centers is the half-pixel rule (for nearest,
    /// TensorFlow's variant: floor((x + 0.5) * scale)); neither is the asymmetric rule x * scale, which
    /// nearest floors (rounding half away from zero with align_corners, i.e. prefer ceil for positive values).
    /// </summary>
    private void Resize(TfliteOperator op, bool bilinear)
    {
        string context = Context(op);
        RequireArity(op, 2, 2);
        var inputTensor = Tensor(op, 0, "input");
        var outputTensor = Output(op);
        TfliteShapes.RequireRank(inputTensor, 4, _file, context);
        TfliteShapes.RequirePositive(inputTensor, _file, context);
        TfliteShapes.RequireRank(outputTensor, 4, _file, context);
        var size = ConstantInts(Tensor(op, 1, "size"), context);
        if (size.Length != 2 || size[0] <= 0 || size[1] <= 0)
            throw _file.Error($"{context}: size [{string.Join(",", size)}] must hold two positive values");
        var x = inputTensor.Shape;
        RequireShape(op, outputTensor, [x[0], size[0], size[1], x[3]]);
        var options = ResizeOptions.Read(op, _file, bilinear);
        if (options.AlignCorners && options.HalfPixelCenters)
            throw _file.Error($"{context}: align_corners and half_pixel_centers are both set");

        var transform = options.AlignCorners ? CoordinateTransform.AlignCorners
            : options.HalfPixelCenters ? (bilinear ? CoordinateTransform.HalfPixel : CoordinateTransform.TfHalfPixelForNn)
            : CoordinateTransform.Asymmetric;
        var rounding = options.AlignCorners ? NearestRounding.RoundPreferCeil : NearestRounding.Floor;
        var parameters = new ResizeParams(bilinear ? ResizeMode.Bilinear : ResizeMode.Nearest, transform, rounding);

        // Our Resize requantizes when the output's quantization differs from the input's (preserving real
        // values); TFLite's converter gives both the same quantization and inserts a QUANTIZE where a
        // rescale is needed (DeepLab's image-pooling branch), so the two agree on real files.
        int input = Int8Input(op, 0, "input");
        int output = NewActivation(outputTensor, context);
        Emit(OpType.Resize, [input], [output], outputTensor.Name, parameters.ToInts());
    }
}
