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
        var m = new ModelBuilder("mobile-block", seed);
        int a = m.Conv(OpType.Conv2D, "stem", m.Input, [24, 3, 3, 3], [1, 12, 10, 24], ModelBuilder.S2, 0.02f, -128, -128, 100);
        a = m.Conv(OpType.DepthwiseConv2D, "dw1", a, [1, 3, 3, 24], [1, 12, 10, 24], ModelBuilder.Same, 0.03f, -20);
        a = m.Conv(OpType.Conv2D, "pw1", a, [40, 1, 1, 24], [1, 12, 10, 40], ModelBuilder.Pointwise, 0.05f, 7);
        a = m.Conv(OpType.DepthwiseConv2D, "dw2", a, [1, 3, 3, 40], [1, 6, 5, 40], ModelBuilder.S2, 0.04f, -3, -3, 127);
        a = m.Conv(OpType.Conv2D, "pw2", a, [72, 1, 1, 40], [1, 6, 5, 72], ModelBuilder.Pointwise, 0.06f, 1);
        return m.WithClassifier(a, 6 * 5 * 72);
    }

    /// <summary>
    /// conv 3x3 stride 2 (3 -> 24) -> grouped conv 3x3 (3 groups, 24 -> 36) -> grouped conv 1x1 (4 groups,
    /// 36 -> 20) -> depthwise 3x3 stride 2 with depth multiplier 2 (20 -> 40) -> FC (-> 10): the grouped
    /// shapes of ShuffleNet and ResNeXt, which run as one GEMM per group.
    /// </summary>
    public static EcnnModel Grouped(int seed = 22)
    {
        var m = new ModelBuilder("grouped", seed);
        int a = m.Conv(OpType.Conv2D, "stem", m.Input, [24, 3, 3, 3], [1, 12, 10, 24], ModelBuilder.S2, 0.02f, -128, -128, 100);
        a = m.Conv(OpType.Conv2D, "group3x3", a, [36, 3, 3, 8], [1, 12, 10, 36], new ConvParams(1, 1, 1, 1, 1, 1, 1, 1, 3), 0.03f, -20);
        a = m.Conv(OpType.Conv2D, "group1x1", a, [20, 1, 1, 9], [1, 12, 10, 20], new ConvParams(1, 1, 1, 1, 0, 0, 0, 0, 4), 0.05f, 7, 7, 127);
        a = m.Conv(OpType.DepthwiseConv2D, "dw-multiplier2", a, [1, 3, 3, 40], [1, 6, 5, 40], new ConvParams(2, 2, 1, 1, 1, 1, 1, 1, 2), 0.04f, -3);
        return m.WithClassifier(a, 6 * 5 * 40);
    }

    /// <summary>
    /// conv 3x3 stride 2 (3 -> 24) -> two inverted residual blocks on the 12x10 map (conv 1x1 24 -> 48,
    /// depthwise 3x3, conv 1x1 48 -> 24, Add of the block input), the first block's sum scaled per
    /// channel by a constant Mul -> depthwise 3x3 stride 2 -> FC: the steps a session runs as row-band
    /// groups with several threads, including a channel-row Mul inside a group.
    /// </summary>
    public static EcnnModel Residual(int seed = 23)
    {
        var m = new ModelBuilder("residual", seed);
        int x = m.Conv(OpType.Conv2D, "stem", m.Input, [24, 3, 3, 3], [1, 12, 10, 24], ModelBuilder.S2, 0.02f, -128, -128, 100);
        for (int block = 1; block <= 2; block++)
        {
            int e = m.Conv(OpType.Conv2D, $"expand{block}", x, [48, 1, 1, 24], [1, 12, 10, 48], ModelBuilder.Pointwise, 0.03f, -128, -128, 90);
            int d = m.Conv(OpType.DepthwiseConv2D, $"dw{block}", e, [1, 3, 3, 48], [1, 12, 10, 48], ModelBuilder.Same, 0.04f, -128, -128, 100);
            int p = m.Conv(OpType.Conv2D, $"project{block}", d, [24, 1, 1, 48], [1, 12, 10, 24], ModelBuilder.Pointwise, 0.05f, 4);
            x = m.Binary(OpType.Add, $"add{block}", p, x, [1, 12, 10, 24], 0.06f, -2);
            if (block == 1)
            {
                var scale = TestModels.Activation("scale", [1, 1, 1, 24], 1f / 128, -128);
                scale.Data = Enumerable.Range(0, 24).Select(_ => (byte)m.Random.Next(0, 256)).ToArray();
                x = m.Binary(OpType.Mul, "scale1", x, m.Model.AddTensor(scale), [1, 12, 10, 24], 0.05f, 1);
            }
        }
        x = m.Conv(OpType.DepthwiseConv2D, "dw-s2", x, [1, 3, 3, 24], [1, 6, 5, 24], ModelBuilder.S2, 0.04f, -3);
        return m.WithClassifier(x, 6 * 5 * 24);
    }

    /// <summary>A model under construction: seeded weights, an int8 input of <see cref="InputShape"/>, and its layers in order.</summary>
    private sealed class ModelBuilder
    {
        public static readonly ConvParams S2 = new(2, 2, 1, 1, 1, 1, 1, 1, 1);
        public static readonly ConvParams Same = new(1, 1, 1, 1, 1, 1, 1, 1, 1);
        public static readonly ConvParams Pointwise = new(1, 1, 1, 1, 0, 0, 0, 0, 1);

        public ModelBuilder(string name, int seed)
        {
            Random = new Random(seed);
            Model = new EcnnModel { Metadata = new ModelMetadata { Name = name, InputShape = InputShape } };
            Input = Model.AddTensor(TestModels.Activation("input", InputShape, 1f / 64, 3));
        }

        public Random Random { get; }
        public EcnnModel Model { get; }
        public int Input { get; }

        /// <summary>A convolution with seeded weights and bias (weights scaled per output channel); returns its output tensor.</summary>
        public int Conv(OpType type, string name, int x, int[] wShape, int[] outShape, ConvParams p, float scale, int zp, int qmin = -128, int qmax = 127)
        {
            int w = Model.AddTensor(TestModels.Int8Weights($"{name}.w", wShape, Random, axis: type == OpType.DepthwiseConv2D ? 3 : 0));
            int b = Model.AddTensor(TestModels.Int32Bias($"{name}.b", outShape[^1], Random));
            int y = Model.AddTensor(TestModels.Activation($"{name}.out", outShape, scale, zp));
            Model.Operators.Add(new OperatorDef { Type = type, Name = name, Inputs = [x, w, b], Outputs = [y], Ints = p.ToInts(), ActivationMin = qmin, ActivationMax = qmax });
            return y;
        }

        /// <summary>Add (coefficients 1, 1) or Mul of two tensors; returns its output tensor.</summary>
        public int Binary(OpType type, string name, int a, int b, int[] outShape, float scale, int zp)
        {
            int y = Model.AddTensor(TestModels.Activation($"{name}.out", outShape, scale, zp));
            Model.Operators.Add(new OperatorDef
            {
                Type = type, Name = name, Inputs = [a, b], Outputs = [y],
                Floats = type == OpType.Add ? new AddParams(1, 1).ToFloats() : [],
            });
            return y;
        }

        /// <summary>FC over the flattened features (-> 10 int8 logits); the model with its input and output.</summary>
        public EcnnModel WithClassifier(int features, int featureCount)
        {
            int fcW = Model.AddTensor(TestModels.Int8Weights("fc.w", [10, featureCount], Random, axis: 0));
            int fcB = Model.AddTensor(TestModels.Int32Bias("fc.b", 10, Random));
            int logits = Model.AddTensor(TestModels.Activation("logits", [1, 10], 0.2f, 0));
            Model.Operators.Add(new OperatorDef { Type = OpType.FullyConnected, Name = "fc", Inputs = [features, fcW, fcB], Outputs = [logits] });
            Model.Inputs.Add(Input);
            Model.Outputs.Add(logits);
            return Model;
        }
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
