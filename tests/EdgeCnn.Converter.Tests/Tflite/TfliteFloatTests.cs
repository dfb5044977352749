using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.FloatExecution;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Lowering;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Converter.Quantization;
using EdgeCnn.Converter.Tflite;
using Ref = EdgeCnn.Converter.Tests.Tflite.NhwcFloatReference;

namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>
/// Float TFLite models imported into the ONNX-semantic NCHW graph: the float executor must compute what
/// TFLite's NHWC float semantics give (which proves the layout mapping), and the calibrated int8 model
/// must follow the float one.
/// </summary>
public class TfliteFloatTests(ITestOutputHelper output)
{
    private const int Add = 0, AveragePool2D = 1, Concatenation = 2, Conv2D = 3, DepthwiseConv2D = 4, FullyConnected = 9,
        Logistic = 14, MaxPool2D = 17, Mul = 18, Relu6 = 21, Reshape = 22, ResizeBilinear = 23, Softmax = 25, Pad = 34, Mean = 40, Sub = 41,
        Squeeze = 43, ResizeNearestNeighbor = 97, HardSwish = 117;
    private const byte Conv2DOptions = 1, DepthwiseConv2DOptions = 2, Pool2DOptions = 5, FullyConnectedOptions = 8,
        SoftmaxOptions = 9, ConcatenationOptions = 10, AddOptions = 11, ResizeBilinearOptions = 15, MulOptions = 21,
        ReducerOptions = 27, ResizeNearestNeighborOptions = 74;
    private const sbyte Same = 0, Valid = 1, NoActivation = 0, ReluActivation = 1, Relu6Activation = 3;
    private static readonly (float, float) NoClamp = (float.NegativeInfinity, float.PositiveInfinity);

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static float[] RandomFloats(Random random, int count, float scale) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();

    private static FbTable ConvOptions(sbyte padding, int stride, sbyte activation) =>
        new((0, Fb.I8(padding)), (1, Fb.I32(stride)), (2, Fb.I32(stride)), (3, Fb.I8(activation)), (4, Fb.I32(1)), (5, Fb.I32(1)));

    private static FbTable DepthwiseOptions(sbyte padding, int stride, int multiplier, sbyte activation) =>
        new((0, Fb.I8(padding)), (1, Fb.I32(stride)), (2, Fb.I32(stride)), (3, Fb.I32(multiplier)), (4, Fb.I8(activation)), (5, Fb.I32(1)), (6, Fb.I32(1)));

    private static FbTable PoolOptions(sbyte padding, int stride, int filter) =>
        new((0, Fb.I8(padding)), (1, Fb.I32(stride)), (2, Fb.I32(stride)), (3, Fb.I32(filter)), (4, Fb.I32(filter)), (5, Fb.I8(NoActivation)));

    /// <summary>A test model, its NHWC input shape and the oracle of its first output (NHWC order).</summary>
    private sealed record Case(byte[] Bytes, int[] InputShape, Func<float[], float[]> Reference);

    /// <summary>conv 3x3 SAME stride 2 + RELU6 -> depthwise 3x3 (multiplier 2) + RELU -> MEAN -> FC -> SOFTMAX.</summary>
    private static Case ClassifierModel()
    {
        var random = new Random(11);
        var convW = RandomFloats(random, 4 * 3 * 3 * 3, 0.6f);
        var convB = RandomFloats(random, 4, 0.2f);
        var dwW = RandomFloats(random, 3 * 3 * 8, 0.6f);
        var dwB = RandomFloats(random, 8, 0.2f);
        var fcW = RandomFloats(random, 5 * 8, 1.5f);
        var fcB = RandomFloats(random, 5, 0.2f);

        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 6, 6, 3]);
        int w1 = m.Tensor("conv/w", TfliteTestModel.Float32, [4, 3, 3, 3], data: Bytes(convW));
        int b1 = m.Tensor("conv/b", TfliteTestModel.Float32, [4], data: Bytes(convB));
        int c1 = m.Tensor("conv", TfliteTestModel.Float32, [1, 3, 3, 4]);
        int w2 = m.Tensor("dw/w", TfliteTestModel.Float32, [1, 3, 3, 8], data: Bytes(dwW));
        int b2 = m.Tensor("dw/b", TfliteTestModel.Float32, [8], data: Bytes(dwB));
        int c2 = m.Tensor("dw", TfliteTestModel.Float32, [1, 3, 3, 8]);
        int axes = m.Int32Constant("axes", 1, 2);
        int mean = m.Tensor("mean", TfliteTestModel.Float32, [1, 8]);
        int w3 = m.Tensor("fc/w", TfliteTestModel.Float32, [5, 8], data: Bytes(fcW));
        int b3 = m.Tensor("fc/b", TfliteTestModel.Float32, [5], data: Bytes(fcB));
        int logits = m.Tensor("logits", TfliteTestModel.Float32, [1, 5]);
        int probs = m.Tensor("probs", TfliteTestModel.Float32, [1, 5]);
        m.Operator(Conv2D, [x, w1, b1], [c1], Conv2DOptions, ConvOptions(Same, 2, Relu6Activation));
        m.Operator(DepthwiseConv2D, [c1, w2, b2], [c2], DepthwiseConv2DOptions, DepthwiseOptions(Same, 1, 2, ReluActivation));
        m.Operator(Mean, [c2, axes], [mean], ReducerOptions, new FbTable((0, Fb.Bool(false))));
        m.Operator(FullyConnected, [mean, w3, b3], [logits], FullyConnectedOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(Softmax, [logits], [probs], SoftmaxOptions, new FbTable((0, Fb.F32(1f))));
        m.Outputs = [probs];

        return new Case(m.Build(), [1, 6, 6, 3], input =>
        {
            var a = Ref.Conv(new Ref.Map(6, 6, 3, input), convW, 4, 3, 3, convB, same: true, stride: 2, (0f, 6f));
            var d = Ref.Depthwise(a, dwW, 2, 3, 3, dwB, same: true, stride: 1, (0f, float.PositiveInfinity));
            return Ref.Softmax(Ref.FullyConnected(Ref.MeanOverSpace(d), fcW, fcB));
        });
    }

    /// <summary>conv 1x1 + RELU -> conv 3x3 SAME; ADD(first, second) + RELU: a residual block.</summary>
    private static Case ResidualModel()
    {
        var random = new Random(12);
        var w1 = RandomFloats(random, 4 * 4, 0.8f);
        var b1 = RandomFloats(random, 4, 0.2f);
        var w2 = RandomFloats(random, 4 * 3 * 3 * 4, 0.4f);
        var b2 = RandomFloats(random, 4, 0.2f);

        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 5, 5, 4]);
        int tw1 = m.Tensor("a/w", TfliteTestModel.Float32, [4, 1, 1, 4], data: Bytes(w1));
        int tb1 = m.Tensor("a/b", TfliteTestModel.Float32, [4], data: Bytes(b1));
        int a = m.Tensor("a", TfliteTestModel.Float32, [1, 5, 5, 4]);
        int tw2 = m.Tensor("b/w", TfliteTestModel.Float32, [4, 3, 3, 4], data: Bytes(w2));
        int tb2 = m.Tensor("b/b", TfliteTestModel.Float32, [4], data: Bytes(b2));
        int b = m.Tensor("b", TfliteTestModel.Float32, [1, 5, 5, 4]);
        int sum = m.Tensor("sum", TfliteTestModel.Float32, [1, 5, 5, 4]);
        m.Operator(Conv2D, [x, tw1, tb1], [a], Conv2DOptions, ConvOptions(Valid, 1, ReluActivation));
        m.Operator(Conv2D, [a, tw2, tb2], [b], Conv2DOptions, ConvOptions(Same, 1, NoActivation));
        m.Operator(Add, [a, b], [sum], AddOptions, new FbTable((0, Fb.I8(ReluActivation))));
        m.Outputs = [sum];

        return new Case(m.Build(), [1, 5, 5, 4], input =>
        {
            var first = Ref.Conv(new Ref.Map(5, 5, 4, input), w1, 4, 1, 1, b1, same: false, stride: 1, (0f, float.PositiveInfinity));
            var second = Ref.Conv(first, w2, 4, 3, 3, b2, same: true, stride: 1, NoClamp);
            return Ref.Add(first, second, (0f, float.PositiveInfinity)).Data;
        });
    }

    /// <summary>Two convolutions concatenated on the channel axis (-1), then MAX_POOL 2x2 stride 2.</summary>
    private static Case ConcatModel()
    {
        var random = new Random(13);
        var wa = RandomFloats(random, 3 * 3 * 3 * 2, 0.6f);
        var ba = RandomFloats(random, 3, 0.2f);
        var wb = RandomFloats(random, 5 * 1 * 1 * 2, 0.6f);
        var bb = RandomFloats(random, 5, 0.2f);

        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 4, 4, 2]);
        int twa = m.Tensor("a/w", TfliteTestModel.Float32, [3, 3, 3, 2], data: Bytes(wa));
        int tba = m.Tensor("a/b", TfliteTestModel.Float32, [3], data: Bytes(ba));
        int a = m.Tensor("a", TfliteTestModel.Float32, [1, 4, 4, 3]);
        int twb = m.Tensor("b/w", TfliteTestModel.Float32, [5, 1, 1, 2], data: Bytes(wb));
        int tbb = m.Tensor("b/b", TfliteTestModel.Float32, [5], data: Bytes(bb));
        int b = m.Tensor("b", TfliteTestModel.Float32, [1, 4, 4, 5]);
        int joined = m.Tensor("joined", TfliteTestModel.Float32, [1, 4, 4, 8]);
        int pooled = m.Tensor("pooled", TfliteTestModel.Float32, [1, 2, 2, 8]);
        m.Operator(Conv2D, [x, twa, tba], [a], Conv2DOptions, ConvOptions(Same, 1, NoActivation));
        m.Operator(Conv2D, [x, twb, tbb], [b], Conv2DOptions, ConvOptions(Valid, 1, NoActivation));
        m.Operator(Concatenation, [a, b], [joined], ConcatenationOptions, new FbTable((0, Fb.I32(-1)), (1, Fb.I8(NoActivation))));
        m.Operator(MaxPool2D, [joined], [pooled], Pool2DOptions, PoolOptions(Valid, 2, 2));
        m.Outputs = [pooled];

        return new Case(m.Build(), [1, 4, 4, 2], input =>
        {
            var map = new Ref.Map(4, 4, 2, input);
            var first = Ref.Conv(map, wa, 3, 3, 3, ba, same: true, stride: 1, NoClamp);
            var second = Ref.Conv(map, wb, 5, 1, 1, bb, same: false, stride: 1, NoClamp);
            return Ref.Pool(Ref.ConcatChannels(first, second), max: true, k: 2, stride: 2, same: false).Data;
        });
    }

    /// <summary>
    /// AVERAGE_POOL 3x3 SAME (the border averages only the inside) -> conv 3x3 VALID -> RESHAPE [1, 24]
    /// in NHWC order -> FULLY_CONNECTED: the flatten whose order differs between NHWC and NCHW.
    /// </summary>
    private static Case ReshapeBeforeFullyConnectedModel()
    {
        var random = new Random(14);
        var w = RandomFloats(random, 6 * 3 * 3 * 3, 0.5f);
        var bias = RandomFloats(random, 6, 0.2f);
        var fcW = RandomFloats(random, 10 * 24, 0.5f);
        var fcB = RandomFloats(random, 10, 0.2f);

        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 4, 4, 3]);
        int pooled = m.Tensor("pooled", TfliteTestModel.Float32, [1, 4, 4, 3]);
        int tw = m.Tensor("conv/w", TfliteTestModel.Float32, [6, 3, 3, 3], data: Bytes(w));
        int tb = m.Tensor("conv/b", TfliteTestModel.Float32, [6], data: Bytes(bias));
        int conv = m.Tensor("conv", TfliteTestModel.Float32, [1, 2, 2, 6]);
        int shape = m.Int32Constant("shape", 1, 24);
        int flat = m.Tensor("flat", TfliteTestModel.Float32, [1, 24]);
        int tfw = m.Tensor("fc/w", TfliteTestModel.Float32, [10, 24], data: Bytes(fcW));
        int tfb = m.Tensor("fc/b", TfliteTestModel.Float32, [10], data: Bytes(fcB));
        int logits = m.Tensor("logits", TfliteTestModel.Float32, [1, 10]);
        m.Operator(AveragePool2D, [x], [pooled], Pool2DOptions, PoolOptions(Same, 1, 3));
        m.Operator(Conv2D, [pooled, tw, tb], [conv], Conv2DOptions, ConvOptions(Valid, 1, ReluActivation));
        m.Operator(Reshape, [conv, shape], [flat]);
        m.Operator(FullyConnected, [flat, tfw, tfb], [logits], FullyConnectedOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Outputs = [logits];

        return new Case(m.Build(), [1, 4, 4, 3], input =>
        {
            var p = Ref.Pool(new Ref.Map(4, 4, 3, input), max: false, k: 3, stride: 1, same: true);
            var c = Ref.Conv(p, w, 6, 3, 3, bias, same: false, stride: 1, (0f, float.PositiveInfinity));
            return Ref.FullyConnected(c.Data, fcW, fcB);
        });
    }

    /// <summary>
    /// PAD (uneven) -> MUL by a per-channel [C] constant -> RELU6 -> LOGISTIC -> RESIZE_BILINEAR
    /// (half_pixel_centers) -> HARD_SWISH -> RESIZE_NEAREST_NEIGHBOR (align_corners).
    /// </summary>
    private static Case ElementwiseAndResizeModel()
    {
        float[] gains = [2f, -3f];
        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 4, 4, 2]);
        int paddings = m.Tensor("paddings", TfliteTestModel.Int32, [4, 2], data: new[] { 0, 0, 1, 1, 1, 2, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());
        int padded = m.Tensor("padded", TfliteTestModel.Float32, [1, 6, 7, 2]);
        int gain = m.Tensor("gain", TfliteTestModel.Float32, [2], data: Bytes(gains));
        int scaled = m.Tensor("scaled", TfliteTestModel.Float32, [1, 6, 7, 2]);
        int clipped = m.Tensor("clipped", TfliteTestModel.Float32, [1, 6, 7, 2]);
        int squashed = m.Tensor("squashed", TfliteTestModel.Float32, [1, 6, 7, 2]);
        int size1 = m.Int32Constant("size1", 3, 4);
        int bilinear = m.Tensor("bilinear", TfliteTestModel.Float32, [1, 3, 4, 2]);
        int swished = m.Tensor("swished", TfliteTestModel.Float32, [1, 3, 4, 2]);
        int size2 = m.Int32Constant("size2", 5, 7);
        int nearest = m.Tensor("nearest", TfliteTestModel.Float32, [1, 5, 7, 2]);
        m.Operator(Pad, [x, paddings], [padded]);
        m.Operator(Mul, [padded, gain], [scaled], MulOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(Relu6, [scaled], [clipped]);
        m.Operator(Logistic, [clipped], [squashed]);
        m.Operator(ResizeBilinear, [squashed, size1], [bilinear], ResizeBilinearOptions, new FbTable((2, Fb.Bool(false)), (3, Fb.Bool(true))));
        m.Operator(HardSwish, [bilinear], [swished]);
        m.Operator(ResizeNearestNeighbor, [swished, size2], [nearest], ResizeNearestNeighborOptions, new FbTable((0, Fb.Bool(true)), (1, Fb.Bool(false))));
        m.Outputs = [nearest];

        return new Case(m.Build(), [1, 4, 4, 2], input =>
        {
            var p = Ref.Pad(new Ref.Map(4, 4, 2, input), 1, 1, 1, 2);
            var s = Ref.Elementwise(p, (v, c) => Ref.Sigmoid(Math.Clamp(v * gains[c], 0f, 6f)));
            var b = Ref.ResizeBilinearHalfPixel(s, 3, 4);
            var h = Ref.Elementwise(b, (v, _) => Ref.HardSwish(v));
            return Ref.ResizeNearestAlignCorners(h, 5, 7).Data;
        });
    }

    /// <summary>
    /// MEAN over H, W (axes given as [2, 1]) with keep_dims -> SQUEEZE to [1, C] -> FULLY_CONNECTED ->
    /// SOFTMAX with beta 2 (folded into the fully connected weights).
    /// </summary>
    private static Case KeepDimsSqueezeSoftmaxModel()
    {
        var random = new Random(15);
        var fcW = RandomFloats(random, 3 * 4, 1.5f);
        var fcB = RandomFloats(random, 3, 0.2f);
        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 3, 3, 4]);
        int axes = m.Int32Constant("axes", 2, 1);
        int mean = m.Tensor("mean", TfliteTestModel.Float32, [1, 1, 1, 4]);
        int squeezed = m.Tensor("squeezed", TfliteTestModel.Float32, [1, 4]);
        int tw = m.Tensor("fc/w", TfliteTestModel.Float32, [3, 4], data: Bytes(fcW));
        int tb = m.Tensor("fc/b", TfliteTestModel.Float32, [3], data: Bytes(fcB));
        int logits = m.Tensor("logits", TfliteTestModel.Float32, [1, 3]);
        int probs = m.Tensor("probs", TfliteTestModel.Float32, [1, 3]);
        m.Operator(Mean, [x, axes], [mean], ReducerOptions, new FbTable((0, Fb.Bool(true))));
        m.Operator(Squeeze, [mean], [squeezed]);
        m.Operator(FullyConnected, [squeezed, tw, tb], [logits], FullyConnectedOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(Softmax, [logits], [probs], SoftmaxOptions, new FbTable((0, Fb.F32(2f))));
        m.Outputs = [probs];

        return new Case(m.Build(), [1, 3, 3, 4], input =>
            Ref.Softmax(Ref.FullyConnected(Ref.MeanOverSpace(new Ref.Map(3, 3, 4, input)), fcW, fcB).Select(v => 2f * v).ToArray()));
    }

    /// <summary>
    /// conv 1x1 -> ADD of a [C] constant -> FULLY_CONNECTED reading the [1, 3, 3, 4] map directly (TFLite
    /// flattens it in NHWC order) + RELU.
    /// </summary>
    private static Case FullyConnectedOnMapModel()
    {
        var random = new Random(16);
        var w = RandomFloats(random, 4 * 2, 0.8f);
        var bias = RandomFloats(random, 4, 0.2f);
        var offsets = RandomFloats(random, 4, 0.5f);
        var fcW = RandomFloats(random, 6 * 36, 0.5f);
        var fcB = RandomFloats(random, 6, 0.2f);
        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 3, 3, 2]);
        int tw = m.Tensor("conv/w", TfliteTestModel.Float32, [4, 1, 1, 2], data: Bytes(w));
        int tb = m.Tensor("conv/b", TfliteTestModel.Float32, [4], data: Bytes(bias));
        int conv = m.Tensor("conv", TfliteTestModel.Float32, [1, 3, 3, 4]);
        int to = m.Tensor("offsets", TfliteTestModel.Float32, [4], data: Bytes(offsets));
        int shifted = m.Tensor("shifted", TfliteTestModel.Float32, [1, 3, 3, 4]);
        int tfw = m.Tensor("fc/w", TfliteTestModel.Float32, [6, 36], data: Bytes(fcW));
        int tfb = m.Tensor("fc/b", TfliteTestModel.Float32, [6], data: Bytes(fcB));
        int y = m.Tensor("y", TfliteTestModel.Float32, [1, 6]);
        m.Operator(Conv2D, [x, tw, tb], [conv], Conv2DOptions, ConvOptions(Valid, 1, NoActivation));
        m.Operator(Add, [conv, to], [shifted], AddOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(FullyConnected, [shifted, tfw, tfb], [y], FullyConnectedOptions, new FbTable((0, Fb.I8(ReluActivation))));
        m.Outputs = [y];

        return new Case(m.Build(), [1, 3, 3, 2], input =>
        {
            var c = Ref.Conv(new Ref.Map(3, 3, 2, input), w, 4, 1, 1, bias, same: false, stride: 1, NoClamp);
            var shiftedMap = Ref.Elementwise(c, (v, ch) => v + offsets[ch]);
            return Ref.FullyConnected(shiftedMap.Data, fcW, fcB).Select(v => Math.Max(v, 0f)).ToArray();
        });
    }

    public static TheoryData<string> Models => ["classifier", "residual", "concat", "reshape-fc", "elementwise-resize", "keepdims-squeeze-softmax", "fc-on-map"];

    private static Case ByName(string name) => name switch
    {
        "classifier" => ClassifierModel(),
        "residual" => ResidualModel(),
        "concat" => ConcatModel(),
        "elementwise-resize" => ElementwiseAndResizeModel(),
        "keepdims-squeeze-softmax" => KeepDimsSqueezeSoftmaxModel(),
        "fc-on-map" => FullyConnectedOnMapModel(),
        _ => ReshapeBeforeFullyConnectedModel(),
    };

    private static float[] NchwToNhwc(Tensor t) => QuantizationReport.ToNhwc(t);

    private static Tensor NhwcToNchwInput(float[] nhwc, int[] shape)
    {
        int h = shape[1], w = shape[2], c = shape[3];
        var data = new float[nhwc.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    data[(ch * h + y) * w + x] = nhwc[(y * w + x) * c + ch];
        return new Tensor([1, c, h, w], data);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Float_graph_computes_what_the_tflite_semantics_give(string name)
    {
        var model = ByName(name);
        Assert.True(TfliteFloatImport.IsFloatModel(model.Bytes, name + ".tflite"));
        var graph = TfliteFloatImport.ImportGraph(model.Bytes, name + ".tflite");
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Transpose");
        var executor = new FloatExecutor(graph);
        var random = new Random(21);
        for (int sample = 0; sample < 3; sample++)
        {
            var input = RandomFloats(random, (int)Tensor.ElementCount(model.InputShape), 1f);
            var expected = model.Reference(input);
            var actual = NchwToNhwc(executor.Run(new Dictionary<string, Tensor> { [graph.Inputs[0]] = NhwcToNchwInput(input, model.InputShape) })[graph.Outputs[0]]);
            Assert.Equal(expected.Length, actual.Length);
            float largest = expected.Max(MathF.Abs);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(MathF.Abs(expected[i] - actual[i]) <= 1e-5f * Math.Max(largest, 1e-3f),
                    $"{name} sample {sample} element {i}: TFLite semantics give {expected[i]}, the graph {actual[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Calibrated_int8_model_follows_the_float_graph(string name)
    {
        var model = ByName(name);
        var graph = TfliteFloatImport.ImportGraph(model.Bytes, name + ".tflite");
        var reference = new FloatExecutor(graph.Clone());
        string input = graph.Inputs[0], outputName = graph.Outputs[0];
        var nchw = graph.GetValue(input).Shape!;
        StandardPasses.Run(graph, new Dictionary<string, int[]> { [input] = nchw });

        var random = new Random(22);
        var samples = Enumerable.Range(0, 24)
            .Select(_ => RandomFloats(random, (int)Tensor.ElementCount(model.InputShape), 1f)).ToArray();
        var calibration = Calibrator.Run(graph, samples.Length, i => NhwcToNchwInput(samples[i], model.InputShape), new CalibrationOptions());
        var lowered = Int8Lowering.Lower(graph, calibration);
        using var edge = EdgeModel.FromDefinition(lowered.Model);
        using var session = edge.CreateSession();
        var outTensor = lowered.Model.Tensors[lowered.Model.Operators[^1].Inputs[0]];
        float step = outTensor.Type == Model.ElementType.Int8 ? outTensor.Scale : 1f / 256;

        double signal = 0, noise = 0, maxSteps = 0;
        foreach (var x in samples)
        {
            var expected = NchwToNhwc(reference.Run(new Dictionary<string, Tensor> { [input] = NhwcToNchwInput(x, model.InputShape) })[outputName]);
            var actual = session.Run<float>(x, model.InputShape).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double d = expected[i] - actual[i];
                signal += (double)expected[i] * expected[i];
                noise += d * d;
                maxSteps = Math.Max(maxSteps, Math.Abs(d) / step);
            }
        }
        double sqnr = QuantizationReport.Sqnr(signal, noise);
        output.WriteLine($"{name}: SQNR {sqnr:F1} dB, max error {maxSteps:F2} output steps, {lowered.Model.Operators.Count} int8 operators");
        Assert.True(sqnr > 30, $"{name}: SQNR {sqnr:F1} dB");
        Assert.True(maxSteps <= 6, $"{name}: max error {maxSteps:F2} output steps");
    }

    /// <summary>
    /// edgecnn convert takes the calibrated path for a float .tflite (the quantized path would refuse
    /// it): calibration images, labels and the report as for ONNX, then classify runs the result.
    /// </summary>
    [Fact]
    public void Convert_command_calibrates_a_float_tflite_model()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"edgecnn-float-tflite-{Guid.NewGuid():N}");
        string images = Path.Combine(folder, "images");
        Directory.CreateDirectory(images);
        try
        {
            string modelPath = Path.Combine(folder, "classifier.tflite");
            File.WriteAllBytes(modelPath, ClassifierModel().Bytes);
            var random = new Random(23);
            for (int i = 0; i < 4; i++)
            {
                var pixels = new byte[8 * 8 * 3];
                random.NextBytes(pixels);
                File.WriteAllBytes(Path.Combine(images, $"img{i}.ppm"), [.. "P6\n8 8\n255\n"u8.ToArray(), .. pixels]);
            }
            string labels = Path.Combine(folder, "labels.txt");
            File.WriteAllLines(labels, ["a", "b", "c", "d", "e"]);
            string ecnn = Path.Combine(folder, "classifier.ecnn");
            string report = Path.Combine(folder, "report.json");

            var convert = Cli.Cli.Run("convert", modelPath, "-o", ecnn, "--calibration", images, "--calibration-count", "4",
                "--mean", "0.5", "--std", "0.25", "--labels", labels, "--report", report, "--report-count", "2");
            Assert.True(convert.ExitCode == 0, convert.Error);
            Assert.Contains("calibration: minmax on 4 images", convert.Out);
            Assert.True(File.Exists(report));

            using var edge = EdgeModel.Load(ecnn);
            var metadata = edge.Metadata;
            Assert.Equal([1, 6, 6, 3], metadata.InputShape);
            Assert.Equal(["a", "b", "c", "d", "e"], metadata.Labels);
            Assert.Equal(0.25f, metadata.Preprocessing!.Std[0]);

            var classify = Cli.Cli.Run("classify", ecnn, Path.Combine(images, "img0.ppm"), "--format", "tsv");
            Assert.True(classify.ExitCode == 0, classify.Error);
            Assert.Contains("img0.ppm", classify.Out);

            // eval runs the float .tflite in the float executor and the .ecnn in int8, on the same labeled folder.
            File.WriteAllLines(Path.Combine(images, "labels.tsv"), Enumerable.Range(0, 4).Select(i => $"img{i}.ppm\t{i}"));
            foreach (var evaluated in new[] { modelPath, ecnn })
            {
                var eval = Cli.Cli.Run("eval", evaluated, "--dataset", images, "--mean", "0.5", "--std", "0.25", "--format", "json");
                Assert.True(eval.ExitCode == 0, eval.Error);
                Assert.Contains("\"count\":4", eval.Out);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Convert_command_asks_for_calibration_data_for_a_float_tflite_model()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgecnn-float-{Guid.NewGuid():N}.tflite");
        File.WriteAllBytes(path, ResidualModel().Bytes);
        try
        {
            var r = Cli.Cli.Run("convert", path, "-o", path + ".ecnn");
            string line = r.AssertOneLineError();
            Assert.Contains("calibration data is required", line);
        }
        finally { File.Delete(path); }
    }

    /// <summary>
    /// Damaged float models (truncations, byte flips, hostile words): importing and running the passes
    /// either works or throws TfliteFormatException / ConversionException; nothing else, no hang.
    /// </summary>
    [Fact]
    public void Damaged_float_models_get_a_clear_error()
    {
        var original = ClassifierModel().Bytes;
        var random = new Random(24);
        var cases = new List<(string What, byte[] Bytes)>();
        for (int length = 0; length < original.Length; length += 7) cases.Add(($"truncated to {length}", original[..length]));
        for (int i = 0; i < 400; i++)
        {
            var bytes = (byte[])original.Clone();
            int at = random.Next(bytes.Length);
            if (i % 2 == 0) bytes[at] ^= (byte)(1 << random.Next(8));
            else if (at + 4 <= bytes.Length) BitConverter.TryWriteBytes(bytes.AsSpan(at & ~3), i % 4 == 1 ? int.MaxValue - random.Next(64) : random.Next(-64, 4096));
            cases.Add(($"mutation {i} at {at}", bytes));
        }
        int imported = 0, refused = 0;
        foreach (var (what, bytes) in cases)
        {
            try
            {
                if (!TfliteFloatImport.IsFloatModel(bytes, what)) { refused++; continue; }
                var graph = TfliteFloatImport.ImportGraph(bytes, what);
                StandardPasses.Run(graph, new Dictionary<string, int[]> { [graph.Inputs[0]] = graph.GetValue(graph.Inputs[0]).Shape! });
                imported++;
            }
            catch (Exception e) when (e is TfliteFormatException or ConversionException)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                refused++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{what}: {e.GetType().Name} instead of a format or conversion error: {e}");
            }
        }
        output.WriteLine($"{cases.Count} damaged files: {imported} imported, {refused} refused");
        Assert.True(refused > 0);
    }

    /// <summary>Softmax beta is not folded into a producer whose output is also read elsewhere (here: a graph output).</summary>
    [Fact]
    public void Softmax_beta_leaves_logits_that_are_also_an_output_intact()
    {
        var random = new Random(17);
        var fcW = RandomFloats(random, 3 * 4, 1f);
        var fcB = RandomFloats(random, 3, 0.2f);
        var m = new TfliteTestModel();
        int x = m.Tensor("image", TfliteTestModel.Float32, [1, 1, 1, 4]);
        int tw = m.Tensor("fc/w", TfliteTestModel.Float32, [3, 4], data: Bytes(fcW));
        int tb = m.Tensor("fc/b", TfliteTestModel.Float32, [3], data: Bytes(fcB));
        int logits = m.Tensor("logits", TfliteTestModel.Float32, [1, 3]);
        int probs = m.Tensor("probs", TfliteTestModel.Float32, [1, 3]);
        m.Operator(FullyConnected, [x, tw, tb], [logits], FullyConnectedOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(Softmax, [logits], [probs], SoftmaxOptions, new FbTable((0, Fb.F32(0.5f))));
        m.Outputs = [probs, logits];

        var graph = TfliteFloatImport.ImportGraph(m.Build(), "beta.tflite");
        var input = RandomFloats(random, 4, 1f);
        var results = new FloatExecutor(graph).Run(new Dictionary<string, Tensor> { [graph.Inputs[0]] = new Tensor([1, 4, 1, 1], input) });
        var expectedLogits = Ref.FullyConnected(input, fcW, fcB);
        var expectedProbs = Ref.Softmax(expectedLogits.Select(v => 0.5f * v).ToArray());
        var actualProbs = results[graph.Outputs[0]].AsFloats();
        var actualLogits = results[graph.Outputs[1]].AsFloats();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expectedLogits[i], actualLogits[i], 1e-5f);
            Assert.Equal(expectedProbs[i], actualProbs[i], 1e-5f);
        }
    }

    [Fact]
    public void Split_and_split_v_become_one_onnx_split_along_the_channels()
    {
        const int SplitCode = 49, SplitVCode = 102;
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Float32, [1, 2, 2, 6]);
        int axis = m.Int32Constant("axis", 3);
        int a = m.Tensor("a", TfliteTestModel.Float32, [1, 2, 2, 3]);
        int b = m.Tensor("b", TfliteTestModel.Float32, [1, 2, 2, 3]);
        int sizes = m.Int32Constant("sizes", 1, -1);
        int c = m.Tensor("c", TfliteTestModel.Float32, [1, 2, 2, 1]);
        int d = m.Tensor("d", TfliteTestModel.Float32, [1, 2, 2, 2]);
        m.Operator(SplitCode, [axis, x], [a, b]);
        m.Operator(SplitVCode, [b, sizes, axis], [c, d]);
        m.Outputs = [a, c, d];
        var graph = TfliteFloatImport.ImportGraph(m.Build(), "split.tflite");
        Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Split"));
        var input = Enumerable.Range(0, 24).Select(i => (float)i).ToArray(); // NHWC: channel k of pixel p is 6 p + k
        var results = new FloatExecutor(graph).Run(new Dictionary<string, Tensor> { [graph.Inputs[0]] = NhwcToNchwInput(input, [1, 2, 2, 6]) });
        var first = NchwToNhwc(results[graph.Outputs[0]]);
        var third = NchwToNhwc(results[graph.Outputs[1]]);
        var rest = NchwToNhwc(results[graph.Outputs[2]]);
        for (int p = 0; p < 4; p++)
        {
            Assert.Equal([6f * p, 6 * p + 1, 6 * p + 2], first[(3 * p)..(3 * p + 3)]);
            Assert.Equal(6f * p + 3, third[p]);
            Assert.Equal([6f * p + 4, 6 * p + 5], rest[(2 * p)..(2 * p + 2)]);
        }
        var bad = new TfliteTestModel();
        int bx = bad.Tensor("x", TfliteTestModel.Float32, [1, 2, 2, 6]);
        int baxis = bad.Int32Constant("axis", 3);
        int ba = bad.Tensor("a", TfliteTestModel.Float32, [1, 2, 2, 4]);
        int bb = bad.Tensor("b", TfliteTestModel.Float32, [1, 2, 2, 3]);
        bad.Operator(SplitCode, [baxis, bx], [ba, bb]);
        bad.Outputs = [ba, bb];
        var error = Assert.Throws<TfliteFormatException>(() => TfliteFloatImport.ImportGraph(bad.Build(), "bad.tflite"));
        Assert.Contains("do not add up", error.Message);
    }

    [Fact]
    public void Unsupported_float_operator_is_named_with_its_index()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Float32, [1, 2, 2, 1]);
        int y = m.Tensor("y", TfliteTestModel.Float32, [1, 2, 2, 1]);
        int z = m.Tensor("z", TfliteTestModel.Float32, [1, 2, 2, 1]);
        m.Operator(Add, [x, x], [y], AddOptions, new FbTable((0, Fb.I8(NoActivation))));
        m.Operator(Sub, [y, x], [z]);
        m.Outputs = [z];
        var error = Assert.Throws<TfliteFormatException>(() => TfliteFloatImport.ImportGraph(m.Build(), "sub.tflite"));
        Assert.Contains("operator 1 is SUB", error.Message);
        Assert.Contains("float TFLite import does not support", error.Message);
    }

    [Fact]
    public void Reshape_that_would_need_a_transpose_is_refused_with_the_operator()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Float32, [1, 2, 2, 3]);
        int shape = m.Int32Constant("shape", 1, 4, 3);
        int y = m.Tensor("y", TfliteTestModel.Float32, [1, 4, 3]);
        m.Operator(Reshape, [x, shape], [y]);
        m.Outputs = [y];
        var error = Assert.Throws<TfliteFormatException>(() => TfliteFloatImport.ImportGraph(m.Build(), "reshape.tflite"));
        Assert.Contains("operator 0 (RESHAPE)", error.Message);
        Assert.Contains("transpose", error.Message);
    }

    [Fact]
    public void Quantized_model_is_not_taken_for_a_float_one()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.5f, 128);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 1, 1, 1], 0.5f, 128);
        m.Operator(MaxPool2D, [x], [y], Pool2DOptions, PoolOptions(Valid, 2, 2));
        m.Outputs = [y];
        Assert.False(TfliteFloatImport.IsFloatModel(m.Build(), "quantized.tflite"));
    }
}
