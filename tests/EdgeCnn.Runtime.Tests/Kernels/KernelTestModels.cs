using EdgeCnn.Model;
using EdgeCnn.Runtime.Tests.Format;

namespace EdgeCnn.Runtime.Tests.Kernels;

/// <summary>A MobileNet-shaped model whose layers all run on table kernels, large enough to split across workers.</summary>
public static class KernelTestModels
{
    public static readonly int[] InputShape = [1, 23, 19, 3];

    /// <summary>
    /// conv 3x3 stride 2 (3 -> 24, ReLU6-like clamp) -> depthwise 3x3 (24) -> conv 1x1 (24 -> 40)
    /// -> depthwise 3x3 stride 2 (40) -> conv 1x1 (40 -> 72) -> FC over the flattened [6, 5, 72] map (-> 10).
    /// </summary>
    public static EcnnModel MobileBlock(int seed = 21)
    {
        var random = new Random(seed);
        var model = new EcnnModel { Metadata = new ModelMetadata { Name = "mobile-block", InputShape = InputShape } };
        int input = model.AddTensor(TestModels.Activation("input", InputShape, 1f / 64, 3));
        int Conv(OpType type, string name, int x, int[] wShape, int[] outShape, ConvParams p, float scale, int zp, int qmin = -128, int qmax = 127) =>
            AddConvolution(model, random, type, name, x, wShape, outShape, p, scale, zp, qmin, qmax);
        var s2 = new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 1);
        var same = new ConvParams(1, 1, 1, 1, 1, 1, 1, 1, 1);
        var pointwise = new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 1);
        int a = Conv(OpType.Conv2D, "stem", input, [24, 3, 3, 3], [1, 12, 10, 24], s2, 0.02f, -128, -128, 100);
        a = Conv(OpType.DepthwiseConv2D, "dw1", a, [1, 3, 3, 24], [1, 12, 10, 24], same, 0.03f, -20);
        a = Conv(OpType.Conv2D, "pw1", a, [40, 1, 1, 24], [1, 12, 10, 40], pointwise, 0.05f, 7);
        a = Conv(OpType.DepthwiseConv2D, "dw2", a, [1, 3, 3, 40], [1, 6, 5, 40], s2, 0.04f, -3, -3, 127);
        a = Conv(OpType.Conv2D, "pw2", a, [72, 1, 1, 40], [1, 6, 5, 72], pointwise, 0.06f, 1);
        AddClassifier(model, random, input, a, 6 * 5 * 72);
        return model;
    }

    /// <summary>
    /// conv 3x3 stride 2 (3 -> 24) -> grouped conv 3x3 (3 groups, 24 -> 36) -> grouped conv 1x1 (4 groups,
    /// 36 -> 20) -> depthwise 3x3 stride 2 with depth multiplier 2 (20 -> 40) -> FC (-> 10): the grouped
    /// shapes of ShuffleNet and ResNeXt, which run as one GEMM per group.
    /// </summary>
    public static EcnnModel Grouped(int seed = 22)
    {
        var random = new Random(seed);
        var model = new EcnnModel { Metadata = new ModelMetadata { Name = "grouped", InputShape = InputShape } };
        int input = model.AddTensor(TestModels.Activation("input", InputShape, 1f / 64, 3));
        int Conv(OpType type, string name, int x, int[] wShape, int[] outShape, ConvParams p, float scale, int zp, int qmin = -128, int qmax = 127) =>
            AddConvolution(model, random, type, name, x, wShape, outShape, p, scale, zp, qmin, qmax);
        int a = Conv(OpType.Conv2D, "stem", input, [24, 3, 3, 3], [1, 12, 10, 24], new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 1), 0.02f, -128, -128, 100);
        a = Conv(OpType.Conv2D, "group3x3", a, [36, 3, 3, 8], [1, 12, 10, 36], new ConvParams(1, 1, 1, 1, 1, 1, 1, 1, 3), 0.03f, -20);
        a = Conv(OpType.Conv2D, "group1x1", a, [20, 1, 1, 9], [1, 12, 10, 20], new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 4), 0.05f, 7, 7, 127);
        a = Conv(OpType.DepthwiseConv2D, "dw-multiplier2", a, [1, 3, 3, 40], [1, 6, 5, 40], new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 2), 0.04f, -3);
        AddClassifier(model, random, input, a, 6 * 5 * 40);
        return model;
    }

    /// <summary>
    /// conv 3x3 stride 2 (3 -> 24) -> two inverted residual blocks on the 12x10 map (conv 1x1 24 -> 48,
    /// depthwise 3x3, conv 1x1 48 -> 24, Add of the block input), the first block's sum scaled per
    /// channel by a constant Mul -> depthwise 3x3 stride 2 -> FC: the steps a session runs as row-band
    /// groups with several threads, including a channel-row Mul inside a group.
    /// </summary>
    public static EcnnModel Residual(int seed = 23)
    {
        var random = new Random(seed);
        var model = new EcnnModel { Metadata = new ModelMetadata { Name = "residual", InputShape = InputShape } };
        int input = model.AddTensor(TestModels.Activation("input", InputShape, 1f / 64, 3));
        int Conv(OpType type, string name, int x, int[] wShape, int[] outShape, ConvParams p, float scale, int zp, int qmin = -128, int qmax = 127) =>
            AddConvolution(model, random, type, name, x, wShape, outShape, p, scale, zp, qmin, qmax);
        int Binary(OpType type, string name, int a, int b, float scale, int zp)
        {
            int y = model.AddTensor(TestModels.Activation($"{name}.out", [1, 12, 10, 24], scale, zp));
            model.Operators.Add(new OperatorDef
            {
                Type = type, Name = name, Inputs = [a, b], Outputs = [y],
                Floats = type == OpType.Add ? new AddParams(1, 1).ToFloats() : [],
            });
            return y;
        }
        var s2 = new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 1);
        var same = new ConvParams(1, 1, 1, 1, 1, 1, 1, 1, 1);
        var pointwise = new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 1);
        int x = Conv(OpType.Conv2D, "stem", input, [24, 3, 3, 3], [1, 12, 10, 24], s2, 0.02f, -128, -128, 100);
        for (int block = 1; block <= 2; block++)
        {
            int e = Conv(OpType.Conv2D, $"expand{block}", x, [48, 1, 1, 24], [1, 12, 10, 48], pointwise, 0.03f, -128, -128, 90);
            int d = Conv(OpType.DepthwiseConv2D, $"dw{block}", e, [1, 3, 3, 48], [1, 12, 10, 48], same, 0.04f, -128, -128, 100);
            int p = Conv(OpType.Conv2D, $"project{block}", d, [24, 1, 1, 48], [1, 12, 10, 24], pointwise, 0.05f, 4);
            x = Binary(OpType.Add, $"add{block}", p, x, 0.06f, -2);
            if (block == 1)
            {
                var scales = Enumerable.Range(0, 24).Select(_ => (byte)random.Next(0, 256)).ToArray();
                var scaleTensor = TestModels.Activation("scale", [1, 1, 1, 24], 1f / 128, -128);
                scaleTensor.Data = scales;
                int channelScale = model.AddTensor(scaleTensor);
                x = Binary(OpType.Mul, "scale1", x, channelScale, 0.05f, 1);
            }
        }
        x = Conv(OpType.DepthwiseConv2D, "dw-s2", x, [1, 3, 3, 24], [1, 6, 5, 24], s2, 0.04f, -3);
        AddClassifier(model, random, input, x, 6 * 5 * 24);
        return model;
    }

    /// <summary>A convolution with seeded weights and bias (weights scaled per output channel) and its output tensor.</summary>
    private static int AddConvolution(EcnnModel model, Random random, OpType type, string name, int x, int[] wShape, int[] outShape,
        ConvParams p, float scale, int zp, int qmin, int qmax)
    {
        int w = model.AddTensor(TestModels.Int8Weights($"{name}.w", wShape, random, axis: type == OpType.DepthwiseConv2D ? 3 : 0));
        int b = model.AddTensor(TestModels.Int32Bias($"{name}.b", outShape[^1], random));
        int y = model.AddTensor(TestModels.Activation($"{name}.out", outShape, scale, zp));
        model.Operators.Add(new OperatorDef { Type = type, Name = name, Inputs = [x, w, b], Outputs = [y], Ints = p.ToInts(), ActivationMin = qmin, ActivationMax = qmax });
        return y;
    }

    /// <summary>FC over the flattened features (-> 10 int8 logits), and the model's input and output.</summary>
    private static void AddClassifier(EcnnModel model, Random random, int input, int features, int featureCount)
    {
        int fcW = model.AddTensor(TestModels.Int8Weights("fc.w", [10, featureCount], random, axis: 0));
        int fcB = model.AddTensor(TestModels.Int32Bias("fc.b", 10, random));
        int logits = model.AddTensor(TestModels.Activation("logits", [1, 10], 0.2f, 0));
        model.Operators.Add(new OperatorDef { Type = OpType.FullyConnected, Name = "fc", Inputs = [features, fcW, fcB], Outputs = [logits] });
        model.Inputs.Add(input);
        model.Outputs.Add(logits);
    }

    public static EcnnModel ByName(string name) => name switch
    {
        "grouped" => Grouped(),
        "residual" => Residual(),
        _ => MobileBlock(),
    };

    public static sbyte[] RandomInput(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, InputShape.Aggregate(1, (x, y) => x * y)).Select(_ => (sbyte)random.Next(-128, 128)).ToArray();
    }
}
