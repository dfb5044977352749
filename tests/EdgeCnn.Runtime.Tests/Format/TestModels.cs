using System.Buffers.Binary;
using EdgeCnn.Model;

namespace EdgeCnn.Runtime.Tests.Format;

/// <summary>
/// Small valid models built through the model types, for format tests and for running end to end.
/// Weights are seeded random values, so every call with the same seed gives the same model.
/// </summary>
public static class TestModels
{
    /// <summary>
    /// conv 3x3 (3 -> 4 channels, pad 1, fused ReLU) -> max pool 2x2/2 -> fully connected (64 -> 10)
    /// -> softmax. Input int8 [1, 8, 8, 3]; output float32 [1, 10].
    /// </summary>
    public static EcnnModel SmallClassifier(int seed = 1)
    {
        var random = new Random(seed);
        var model = new EcnnModel
        {
            Metadata = new ModelMetadata
            {
                Name = "small-classifier",
                Producer = "EdgeCnn.Runtime.Tests",
                InputShape = [1, 8, 8, 3],
                Preprocessing = new Preprocessing
                {
                    Width = 8, Height = 8, Channels = 3,
                    Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
                    ChannelOrder = ChannelOrder.Rgb, CropFraction = 0.875f,
                },
                Labels = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
                Properties = { ["source"] = "TestModels.SmallClassifier", ["calibration"] = "none" },
            },
        };

        int input = model.AddTensor(Activation("input", [1, 8, 8, 3], 1f / 64, 0));
        int convW = model.AddTensor(Int8Weights("conv.weight", [4, 3, 3, 3], random, axis: 0));
        int convB = model.AddTensor(Int32Bias("conv.bias", 4, random));
        int conv = model.AddTensor(Activation("conv.out", [1, 8, 8, 4], 0.05f, -128));
        int pool = model.AddTensor(Activation("pool.out", [1, 4, 4, 4], 0.05f, -128));
        int fcW = model.AddTensor(Int8Weights("fc.weight", [10, 64], random, axis: 0));
        int fcB = model.AddTensor(Int32Bias("fc.bias", 10, random));
        int logits = model.AddTensor(Activation("fc.out", [1, 10], 0.1f, 3));
        int probabilities = model.AddTensor(new TensorDef { Name = "probabilities", Type = ElementType.Float32, Shape = [1, 10] });

        model.Operators.Add(new OperatorDef
        {
            Type = OpType.Conv2D, Name = "conv",
            Inputs = [input, convW, convB], Outputs = [conv],
            Ints = new ConvParams(1, 1, 1, 1, 1, 1, 1, 1, 1).ToInts(),
            ActivationMin = -128, ActivationMax = 127, // ReLU: the output zero point is -128, so the clamp starts there
        });
        model.Operators.Add(new OperatorDef
        {
            Type = OpType.MaxPool, Name = "pool",
            Inputs = [conv], Outputs = [pool],
            Ints = new PoolParams(2, 2, 2, 2, 0, 0, 0, 0, false).ToInts(),
        });
        model.Operators.Add(new OperatorDef { Type = OpType.FullyConnected, Name = "fc", Inputs = [pool, fcW, fcB], Outputs = [logits] });
        model.Operators.Add(new OperatorDef
        {
            Type = OpType.Softmax, Name = "softmax",
            Inputs = [logits], Outputs = [probabilities],
            Ints = new SoftmaxParams(false, 1f).ToInts(), Floats = new SoftmaxParams(false, 1f).ToFloats(),
        });
        model.Inputs.Add(input);
        model.Outputs.Add(probabilities);
        return model;
    }

    /// <summary>
    /// One operator of every kind, chained so that each shape rule is exercised on a valid case:
    /// grouped strided conv -> dilated depthwise (multiplier 2, fused ReLU6) -> transposed conv ->
    /// max pool -> avg pool -> global avg pool -> sigmoid -> Mul (attention) -> Add (residual) -> Concat
    /// -> Pad -> Resize -> ChannelShuffle -> PRelu -> global max pool -> Reshape -> fully connected ->
    /// Dequantize -> Quantize -> Softmax. Input int8 [1, 8, 8, 4]; output float32 [1, 10].
    /// Operators are named after their kind in lower case ("conv", "depthwise", ...).
    /// </summary>
    public static EcnnModel EveryOperator(int seed = 2)
    {
        var random = new Random(seed);
        var model = new EcnnModel
        {
            Metadata = new ModelMetadata { Name = "every-operator", Producer = "EdgeCnn.Runtime.Tests", InputShape = [1, 8, 8, 4] },
        };
        int Act(string name, int[] shape, float scale = 0.05f, int zeroPoint = 0) => model.AddTensor(Activation(name, shape, scale, zeroPoint));
        void Op(OpType type, string name, int[] inputs, int output, int[]? ints = null, float[]? floats = null, int min = -128, int max = 127) =>
            model.Operators.Add(new OperatorDef { Type = type, Name = name, Inputs = inputs, Outputs = [output], Ints = ints ?? [], Floats = floats ?? [], ActivationMin = min, ActivationMax = max });

        int x = Act("x", [1, 8, 8, 4]);

        // 4 -> 8 channels in 2 groups of 2, 3x3, stride 2, pad 1: 8x8 -> 4x4.
        int convW = model.AddTensor(Int8Weights("conv.w", [8, 3, 3, 2], random, axis: 0));
        int convB = model.AddTensor(Int32Bias("conv.b", 8, random));
        int conv = Act("conv.out", [1, 4, 4, 8]);
        Op(OpType.Conv2D, "conv", [x, convW, convB], conv, new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 2).ToInts());

        // Depthwise 3x3, dilation 2, pad 2, multiplier 2: 8 -> 16 channels, 4x4 kept; ReLU6 fused as a clamp.
        int dwW = model.AddTensor(Int8Weights("depthwise.w", [1, 3, 3, 16], random, axis: 3));
        int dwB = model.AddTensor(Int32Bias("depthwise.b", 16, random));
        int dw = Act("depthwise.out", [1, 4, 4, 16], 6f / 255, -128);
        Op(OpType.DepthwiseConv2D, "depthwise", [conv, dwW, dwB], dw, new ConvParams(1, 1, 2, 2, 2, 2, 2, 2, 2).ToInts(), min: -128, max: 127);

        // Transposed 2x2 stride 2: 4x4 -> 8x8, 16 -> 8 channels.
        int tW = model.AddTensor(Int8Weights("transposed.w", [8, 2, 2, 16], random, axis: 0));
        int tB = model.AddTensor(Int32Bias("transposed.b", 8, random));
        int t = Act("transposed.out", [1, 8, 8, 8]);
        Op(OpType.TransposedConv2D, "transposed", [dw, tW, tB], t, new ConvParams(2, 2, 1, 1, 0, 0, 0, 0, 1).ToInts());

        int maxPool = Act("maxpool.out", [1, 4, 4, 8]);
        Op(OpType.MaxPool, "maxpool", [t], maxPool, new PoolParams(3, 3, 2, 2, 1, 1, 1, 1, false).ToInts());
        int avgPool = Act("avgpool.out", [1, 4, 4, 8]);
        Op(OpType.AvgPool, "avgpool", [maxPool], avgPool, new PoolParams(2, 2, 1, 1, 0, 0, 1, 1, false).ToInts());
        int squeeze = Act("globalavgpool.out", [1, 1, 1, 8]);
        Op(OpType.GlobalAvgPool, "globalavgpool", [avgPool], squeeze);
        int gate = Act("activation.out", [1, 1, 1, 8], 1f / 256, -128);
        Op(OpType.Activation, "activation", [squeeze], gate, new ActivationParams(ActivationKind.Sigmoid, 0f, 0f).ToInts(), new ActivationParams(ActivationKind.Sigmoid, 0f, 0f).ToFloats());
        int excited = Act("mul.out", [1, 4, 4, 8]);
        Op(OpType.Mul, "mul", [avgPool, gate], excited);
        int residual = Act("add.out", [1, 4, 4, 8], 0.1f, 0);
        Op(OpType.Add, "add", [excited, maxPool], residual, floats: new AddParams(1f, 1f).ToFloats());
        int concat = Act("concat.out", [1, 4, 4, 16], 0.1f, 0);
        Op(OpType.Concat, "concat", [residual, maxPool], concat, [3]);
        int padded = Act("pad.out", [1, 6, 6, 16], 0.1f, 0);
        Op(OpType.Pad, "pad", [concat], padded, new PadParams([0, 1, 1, 0], [0, 1, 1, 0]).ToInts());
        int resized = Act("resize.out", [1, 12, 12, 16], 0.1f, 0);
        Op(OpType.Resize, "resize", [padded], resized, new ResizeParams(ResizeMode.Bilinear, CoordinateTransform.HalfPixel, NearestRounding.RoundPreferFloor).ToInts());
        int shuffled = Act("channelshuffle.out", [1, 12, 12, 16], 0.1f, 0);
        Op(OpType.ChannelShuffle, "channelshuffle", [resized], shuffled, [4]);
        var slopes = new float[16];
        for (int c = 0; c < slopes.Length; c++) slopes[c] = 0.05f * (c - 4);
        int slope = model.AddTensor(Float32Constant("prelu.slope", slopes));
        int prelu = Act("prelu.out", [1, 12, 12, 16], 0.1f, 0);
        Op(OpType.PRelu, "prelu", [shuffled, slope], prelu);
        int pooled = Act("globalmaxpool.out", [1, 1, 1, 16], 0.1f, 0);
        Op(OpType.GlobalMaxPool, "globalmaxpool", [prelu], pooled);
        int flat = Act("reshape.out", [1, 16], 0.1f, 0);
        Op(OpType.Reshape, "reshape", [pooled], flat);
        int fcW = model.AddTensor(Int8Weights("fc.w", [10, 16], random, axis: 0));
        int fcB = model.AddTensor(Int32Bias("fc.b", 10, random));
        int logits = Act("fc.out", [1, 10], 0.2f, 0);
        Op(OpType.FullyConnected, "fc", [flat, fcW, fcB], logits);
        int real = model.AddTensor(new TensorDef { Name = "dequantize.out", Type = ElementType.Float32, Shape = [1, 10] });
        Op(OpType.Dequantize, "dequantize", [logits], real);
        int requantized = Act("quantize.out", [1, 10], 0.2f, 0);
        Op(OpType.Quantize, "quantize", [real], requantized);
        int probabilities = model.AddTensor(new TensorDef { Name = "softmax.out", Type = ElementType.Float32, Shape = [1, 10] });
        Op(OpType.Softmax, "softmax", [requantized], probabilities, new SoftmaxParams(false, 1f).ToInts(), new SoftmaxParams(false, 1f).ToFloats());
        // Channel split of the features, LayerNorm and L2 normalization over them, a float Reshape.
        int split = Act("slice.out", [1, 6], 0.1f, 0);
        Op(OpType.Slice, "slice", [flat], split, new SliceParams(0, 0, 0, 4).ToInts());
        int gamma = model.AddTensor(Float32Constant("layernorm.gamma", [1f, 0.5f, 2f, 1f, 1f, -1f]));
        int beta = model.AddTensor(Float32Constant("layernorm.beta", [0f, 0.1f, 0f, -0.2f, 0f, 0.3f]));
        int normalized = Act("layernorm.out", [1, 6], 0.03f, 2);
        Op(OpType.LayerNorm, "layernorm", [split, gamma, beta], normalized, floats: [1e-5f]);
        int unit = Act("l2norm.out", [1, 6], 1f / 127, 0);
        Op(OpType.L2Norm, "l2norm", [normalized], unit, floats: [1e-12f]);
        int probabilityMap = model.AddTensor(new TensorDef { Name = "softmax.reshaped", Type = ElementType.Float32, Shape = [1, 1, 1, 10] });
        Op(OpType.Reshape, "softmax.reshape", [probabilities], probabilityMap);

        model.Inputs.Add(x);
        model.Outputs.Add(probabilities);
        return model;
    }

    /// <summary>An int8 activation with one scale and zero point.</summary>
    public static TensorDef Activation(string name, int[] shape, float scale, int zeroPoint) =>
        new() { Name = name, Type = ElementType.Int8, Shape = shape, Scales = [scale], ZeroPoint = zeroPoint };

    /// <summary>Symmetric int8 weights in [-127, 127], one scale per slice along <paramref name="axis"/>.</summary>
    public static TensorDef Int8Weights(string name, int[] shape, Random random, int axis)
    {
        long count = 1;
        foreach (int d in shape) count *= d;
        var data = new byte[count];
        for (int i = 0; i < data.Length; i++) data[i] = unchecked((byte)(sbyte)random.Next(-127, 128));
        var scales = new float[shape[axis]];
        for (int c = 0; c < scales.Length; c++) scales[c] = 0.002f + 0.001f * random.Next(0, 10);
        return new TensorDef { Name = name, Type = ElementType.Int8, Shape = shape, Scales = scales, QuantizedAxis = scales.Length > 1 ? axis : 0, Data = data };
    }

    /// <summary>An int32 bias [count] with small random values.</summary>
    public static TensorDef Int32Bias(string name, int count, Random random)
    {
        var data = new byte[4 * count];
        for (int c = 0; c < count; c++) BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * c), random.Next(-500, 500));
        return new TensorDef { Name = name, Type = ElementType.Int32, Shape = [count], Data = data };
    }

    /// <summary>A float32 constant [values.Length].</summary>
    public static TensorDef Float32Constant(string name, float[] values)
    {
        var data = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[i]);
        return new TensorDef { Name = name, Type = ElementType.Float32, Shape = [values.Length], Data = data };
    }
}
