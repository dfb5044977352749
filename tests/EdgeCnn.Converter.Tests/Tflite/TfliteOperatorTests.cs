using EdgeCnn.Converter.Tflite;
using EdgeCnn.Format;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>Operator conversions on synthesized TFLite models (the real models use only a few of the operators).</summary>
public class TfliteOperatorTests
{
    // BuiltinOperator codes and BuiltinOptions union types of schema.fbs.
    private const int AveragePool2D = 1, Conv2D = 3, Dequantize = 6, FullyConnected = 9, Logistic = 14, MaxPool2D = 17, Mul = 18,
        Reshape = 22, Softmax = 25, Tanh = 28, Pad = 34, Mean = 40, Squeeze = 43, ResizeNearestNeighbor = 97, Quantize = 114, HardSwish = 117;
    private const byte Conv2DOptions = 1, Pool2DOptions = 5, FullyConnectedOptions = 8, SoftmaxOptions = 9, MulOptions = 21,
        ReducerOptions = 27, ResizeNearestNeighborOptions = 74;

    private static EcnnModel Import(TfliteTestModel model)
    {
        var imported = TfliteImporter.Import(model.Build(), "synthetic.tflite");
        ModelValidator.Validate(imported, "synthetic.tflite");
        return imported;
    }

    private static OpType[] Types(EcnnModel model) => model.Operators.Select(o => o.Type).ToArray();

    private static FbTable Pool(int padding, int stride, int filter) =>
        new((0, Fb.I8((sbyte)padding)), (1, Fb.I32(stride)), (2, Fb.I32(stride)), (3, Fb.I32(filter)), (4, Fb.I32(filter)), (5, Fb.I8(0)));

    [Fact]
    public void Fully_connected_flattens_its_input_gets_a_zero_bias_and_a_fused_relu()
    {
        var m = FullyConnectedModel(out var weights);
        var model = Import(m);
        Assert.Equal([OpType.FullyConnected, OpType.Dequantize], Types(model));
        var fc = model.Operators[0];
        Assert.Equal((10 - 128, 127), (fc.ActivationMin, fc.ActivationMax)); // RELU: from the output zero point
        var weightTensor = model.Tensors[fc.Inputs[1]];
        Assert.Equal(weights.Select(b => (byte)(sbyte)(b - 128)), weightTensor.Data!);
        Assert.Equal(Enumerable.Repeat(0.01f, 4), weightTensor.Scales);
        Assert.Equal(new byte[16], model.Tensors[fc.Inputs[2]].Data);
        Assert.Equal([1, 4], model.Tensors[model.Outputs[0]].Shape);
    }

    [Fact]
    public void Fully_connected_reshapes_an_input_whose_rows_are_not_its_first_dimension()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Int8, [2, 8], 0.05f, 0);
        int w = m.Tensor("w", TfliteTestModel.Int8, [3, 4], 0.01f, 0, new byte[12]);
        int y = m.Tensor("y", TfliteTestModel.Int8, [4, 3], 0.1f, 0);
        m.Operator(FullyConnected, [x, w], [y]);
        m.Outputs = [y];
        var model = Import(m);
        Assert.Equal([OpType.Reshape, OpType.FullyConnected, OpType.Dequantize], Types(model));
        Assert.Equal([4, 4], model.Tensors[model.Operators[1].Inputs[0]].Shape);
        Assert.Equal([4, 3], model.Tensors[model.Operators[1].Outputs[0]].Shape);
    }

    internal static TfliteTestModel FullyConnectedModel(out byte[] weights)
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 1, 1, 8], 0.05f, 128);
        weights = Enumerable.Range(0, 32).Select(i => (byte)(100 + i)).ToArray();
        int w = m.Tensor("w", TfliteTestModel.UInt8, [4, 8], 0.01f, 128, weights);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 4], 0.1f, 10);
        m.Operator(FullyConnected, [x, w, -1], [y], FullyConnectedOptions, new FbTable((0, Fb.I8(1))));
        m.Outputs = [y];
        return m;
    }

    [Fact]
    public void Pad_max_pool_and_nearest_resize_keep_their_geometry()
    {
        var model = Import(PadPoolResizeModel());
        Assert.Equal([OpType.Pad, OpType.MaxPool, OpType.Resize, OpType.Dequantize], Types(model));
        Assert.Equal([0, 1, 1, 0], model.Operators[0].Padding.Before);
        Assert.Equal([0, 1, 1, 0], model.Operators[0].Padding.After);
        Assert.Equal(new PoolParams(2, 2, 2, 2, 0, 0, 0, 0, false), model.Operators[1].Pool);
        Assert.Equal(new ResizeParams(ResizeMode.Nearest, CoordinateTransform.AlignCorners, NearestRounding.RoundPreferCeil), model.Operators[2].ResizeOptions);
    }

    /// <summary>Padding is real 0 (the zero point), whatever the input's values: checked through the runtime.</summary>
    [Fact]
    public void Pad_then_max_pool_computes_what_tflite_computes()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.5f, 128);
        int paddings = m.Tensor("paddings", TfliteTestModel.Int32, [4, 2], data: new[] { 0, 0, 1, 1, 1, 1, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());
        int padded = m.Tensor("padded", TfliteTestModel.UInt8, [1, 4, 4, 1], 0.5f, 128);
        int pooled = m.Tensor("pooled", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.5f, 128);
        m.Operator(Pad, [x, paddings], [padded]);
        m.Operator(MaxPool2D, [padded], [pooled], Pool2DOptions, Pool(padding: 1, stride: 2, filter: 2));
        m.Outputs = [pooled];

        using var edge = EdgeModel.FromDefinition(Import(m));
        using var session = edge.CreateSession();
        // uint8 130, 120, 140, 128 at scale 0.5, zero point 128: 1, -4, 6, 0. Each 2x2 window of the padded
        // 4x4 holds one input value and three zeros.
        float[] input = [1f, -4f, 6f, 0f];
        var result = session.Run<float>(input, [1, 2, 2, 1]).ToArray();
        Assert.Equal([1f, 0f, 6f, 0f], result);
    }

    internal static TfliteTestModel PadPoolResizeModel()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 4, 4, 2], 0.05f, 128);
        int paddings = m.Tensor("paddings", TfliteTestModel.Int32, [4, 2], data: new[] { 0, 0, 1, 1, 1, 1, 0, 0 }.SelectMany(BitConverter.GetBytes).ToArray());
        int padded = m.Tensor("padded", TfliteTestModel.UInt8, [1, 6, 6, 2], 0.05f, 128);
        int pooled = m.Tensor("pooled", TfliteTestModel.UInt8, [1, 3, 3, 2], 0.05f, 128);
        int size = m.Int32Constant("size", 6, 6);
        int resized = m.Tensor("resized", TfliteTestModel.UInt8, [1, 6, 6, 2], 0.05f, 128);
        m.Operator(Pad, [x, paddings], [padded]);
        m.Operator(MaxPool2D, [padded], [pooled], Pool2DOptions, Pool(padding: 1, stride: 2, filter: 2));
        m.Operator(ResizeNearestNeighbor, [pooled, size], [resized], ResizeNearestNeighborOptions, new FbTable((0, Fb.Bool(true))));
        m.Outputs = [resized];
        return m;
    }

    [Fact]
    public void Int8_input_through_mul_logistic_hard_swish_mean_squeeze_and_dequantize()
    {
        var model = Import(ElementwiseChainModel());
        Assert.Equal([OpType.Mul, OpType.Activation, OpType.Activation, OpType.GlobalAvgPool, OpType.Reshape, OpType.Dequantize], Types(model));
        Assert.Equal(ActivationKind.Sigmoid, model.Operators[1].ActivationOptions.Kind);
        Assert.Equal(ActivationKind.HardSwish, model.Operators[2].ActivationOptions.Kind);
        var input = model.Tensors[model.Inputs[0]];
        Assert.Equal((0.1f, -3), (input.Scale, input.ZeroPoint)); // int8 is taken as it is
        var gateTensor = model.Tensors[model.Operators[0].Inputs[1]];
        Assert.Equal(new byte[] { 10, 20, 30 }, gateTensor.Data);
        Assert.Equal("result", model.Tensors[model.Outputs[0]].Name);
        Assert.Equal("int8", model.Metadata.Properties["tflite.inputType"]);
    }

    internal static TfliteTestModel ElementwiseChainModel()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Int8, [1, 2, 2, 3], 0.1f, -3);
        int gate = m.Tensor("gate", TfliteTestModel.Int8, [1, 1, 1, 3], 0.01f, 0, [10, 20, 30]);
        int scaled = m.Tensor("scaled", TfliteTestModel.Int8, [1, 2, 2, 3], 0.02f, 1);
        int sigmoid = m.Tensor("sigmoid", TfliteTestModel.Int8, [1, 2, 2, 3], 1f / 256f, -128);
        int swished = m.Tensor("swished", TfliteTestModel.Int8, [1, 2, 2, 3], 0.01f, -2);
        int axes = m.Int32Constant("axes", 1, 2);
        int mean = m.Tensor("mean", TfliteTestModel.Int8, [1, 1, 1, 3], 0.01f, -2);
        int squeezed = m.Tensor("squeezed", TfliteTestModel.Int8, [1, 3], 0.01f, -2);
        int result = m.Tensor("result", TfliteTestModel.Float32, [1, 3]);
        m.Operator(Mul, [x, gate], [scaled], MulOptions, new FbTable((0, Fb.I8(0))));
        m.Operator(Logistic, [scaled], [sigmoid]);
        m.Operator(HardSwish, [sigmoid], [swished]);
        m.Operator(Mean, [swished, axes], [mean], ReducerOptions, new FbTable((0, Fb.Bool(true))));
        m.Operator(Squeeze, [mean], [squeezed]);
        m.Operator(Dequantize, [squeezed], [result]);
        m.Outputs = [result];
        return m;
    }

    [Fact]
    public void Add_of_lower_rank_tensors_is_lifted_to_nhwc()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [2, 3], 0.1f, 128);
        int bias = m.Tensor("bias", TfliteTestModel.UInt8, [3], 0.05f, 120, [1, 2, 3]);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [2, 3], 0.2f, 100);
        m.Operator(0, [x, bias], [y], 11, new FbTable((0, Fb.I8(3)))); // ADD with fused RELU6
        m.Outputs = [y];
        var model = Import(m);
        Assert.Equal([OpType.Reshape, OpType.Add, OpType.Reshape, OpType.Dequantize], Types(model));
        var add = model.Operators[1];
        Assert.Equal([1, 1, 2, 3], model.Tensors[add.Inputs[0]].Shape);
        var constant = model.Tensors[add.Inputs[1]];
        Assert.Equal([1, 1, 1, 3], constant.Shape);
        Assert.Equal(new byte[] { 129, 130, 131 }, constant.Data); // uint8 values shifted by 128
        Assert.Equal((0.05f, 120 - 128), (constant.Scale, constant.ZeroPoint));
        Assert.Equal([1, 1, 2, 3], model.Tensors[add.Outputs[0]].Shape);
        Assert.Equal((100 - 128, 100 - 128 + 30), (add.ActivationMin, add.ActivationMax)); // RELU6: 6 / 0.2 = 30 steps
        Assert.Equal([2, 3], model.Tensors[model.Operators[2].Outputs[0]].Shape);
    }

    [Fact]
    public void Float_input_followed_by_quantize_becomes_the_int8_input()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Float32, [1, 4, 4, 1]);
        int q = m.Tensor("x_quantized", TfliteTestModel.Int8, [1, 4, 4, 1], 0.02f, 5);
        int y = m.Tensor("y", TfliteTestModel.Int8, [1, 2, 2, 1], 0.02f, 5);
        m.Operator(Quantize, [x], [q], onlyNewCodeField: true); // code 114 only in builtin_code, deprecated 0 (ADD)
        m.Operator(AveragePool2D, [q], [y], Pool2DOptions, Pool(padding: 1, stride: 2, filter: 2));
        m.Outputs = [y];

        var model = Import(m);
        Assert.Equal([OpType.AvgPool, OpType.Dequantize], Types(model));
        var input = model.Tensors[model.Inputs[0]];
        Assert.Equal("x_quantized", input.Name);
        Assert.Equal((0.02f, 5), (input.Scale, input.ZeroPoint));
        Assert.Equal(1, model.Metadata.Preprocessing!.Channels);
    }

    [Fact]
    public void Requantizing_quantize_becomes_an_identity_activation()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.02f, 128);
        int y = m.Tensor("y", TfliteTestModel.Int8, [1, 2, 2, 1], 0.04f, 0);
        m.Operator(Quantize, [x], [y]);
        m.Outputs = [y];
        var model = Import(m);
        Assert.Equal([OpType.Activation, OpType.Dequantize], Types(model));
        Assert.Equal(ActivationKind.Identity, model.Operators[0].ActivationOptions.Kind);
    }

    [Fact]
    public void A_uint8_to_int8_quantize_with_the_same_values_disappears()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.02f, 127);
        int y = m.Tensor("y", TfliteTestModel.Int8, [1, 2, 2, 1], 0.02f, -1);
        int z = m.Tensor("z", TfliteTestModel.Int8, [1, 1, 1, 1], 0.02f, -1);
        m.Operator(Quantize, [x], [y]);
        m.Operator(AveragePool2D, [y], [z], Pool2DOptions, Pool(padding: 1, stride: 2, filter: 2));
        m.Outputs = [z];
        var model = Import(m);
        Assert.Equal([OpType.GlobalAvgPool, OpType.Dequantize], Types(model));
        Assert.Equal(model.Inputs[0], model.Operators[0].Inputs[0]);
    }

    [Fact]
    public void Softmax_followed_by_a_reshape_stays_in_float()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 4], 0.1f, 128);
        int p = m.Tensor("p", TfliteTestModel.UInt8, [1, 4], 1f / 256f, 0);
        int shape = m.Int32Constant("shape", 1, 1, 1, 4);
        int r = m.Tensor("r", TfliteTestModel.UInt8, [1, 1, 1, 4], 1f / 256f, 0);
        m.Operator(Softmax, [x], [p], SoftmaxOptions, new FbTable((0, Fb.F32(1f))));
        m.Operator(Reshape, [p, shape], [r]);
        m.Outputs = [r, p];
        var model = Import(m);
        Assert.Equal([OpType.Softmax, OpType.Reshape], Types(model));
        var reshaped = model.Tensors[model.Operators[1].Outputs[0]];
        Assert.Equal(ElementType.Float32, reshaped.Type);
        Assert.Equal([1, 1, 1, 4], reshaped.Shape);
        Assert.Equal(model.Operators[1].Outputs[0], model.Outputs[0]);
        // The softmax output itself is the second graph output, in float.
        Assert.Equal(model.Operators[0].Outputs[0], model.Outputs[1]);
        using var edge = EdgeModel.FromDefinition(model);
        using var session = edge.CreateSession();
        var probabilities = session.Run<float>(new float[] { 0.5f, -1f, 2f, 0f }, session.InputShape).ToArray();
        Assert.Equal(1f, probabilities.Sum(), 1e-5f);
    }

    [Fact]
    public void Softmax_feeding_an_int8_operator_is_quantized_again()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 4], 0.1f, 128);
        int p = m.Tensor("p", TfliteTestModel.UInt8, [1, 4], 1f / 256f, 0);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 4], 1f / 256f, 0);
        m.Operator(Softmax, [x], [p], SoftmaxOptions, new FbTable((0, Fb.F32(1f))));
        m.Operator(Logistic, [p], [y]);
        m.Outputs = [y];
        var model = Import(m);
        Assert.Equal([OpType.Softmax, OpType.Quantize, OpType.Activation, OpType.Dequantize], Types(model));
        var quantized = model.Tensors[model.Operators[1].Outputs[0]];
        Assert.Equal((1f / 256f, -128), (quantized.Scale, quantized.ZeroPoint));
    }

    /// <summary>
    /// Many graph inputs sharing one name (a cheap hostile file) import with unique names; the name and
    /// input bookkeeping stay linear, so this takes milliseconds rather than the minutes a quadratic
    /// search would.
    /// </summary>
    [Fact]
    public void Twenty_thousand_inputs_with_one_name_get_unique_names()
    {
        const int Count = 20_000;
        var m = new TfliteTestModel();
        var inputs = new int[Count];
        for (int i = 0; i < Count; i++) inputs[i] = m.Tensor("same", TfliteTestModel.Int8, [1, 1, 1, 1], 0.1f, 0);
        int y = m.Tensor("same", TfliteTestModel.Int8, [1, 1, 1, 2], 0.1f, 0);
        m.Operator(2, [inputs[0], inputs[1]], [y], 10, new FbTable((0, Fb.I32(3)))); // CONCATENATION on axis 3
        m.Inputs = inputs;
        m.Outputs = [y];
        var model = TfliteImporter.Import(m.Build(), "many-inputs.tflite");
        Assert.Equal(Count, model.Inputs.Count);
        Assert.Equal(model.Tensors.Count, model.Tensors.Select(t => t.Name).Distinct().Count());
        Assert.Equal("same_19999", model.Tensors[model.Inputs[^1]].Name);
    }

    /// <summary>
    /// Hundreds of convolutions sharing one weight buffer: each use converts and copies the weights, so the
    /// work is charged to the file's budget and the import is refused long before it allocates much.
    /// </summary>
    [Fact]
    public void Operators_sharing_one_large_weight_buffer_exhaust_the_budget()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Int8, [1, 1, 1, 256], 0.1f, 0);
        int w = m.Tensor("w", TfliteTestModel.Int8, [256, 1, 1, 256], 0.01f, 0, new byte[256 * 256]);
        int previous = x;
        for (int i = 0; i < 400; i++)
        {
            int y = m.Tensor($"y{i}", TfliteTestModel.Int8, [1, 1, 1, 256], 0.1f, 0);
            m.Operator(Conv2D, [previous, w, -1], [y], Conv2DOptions, new FbTable((0, Fb.I8(1)), (1, Fb.I32(1)), (2, Fb.I32(1))));
            previous = y;
        }
        m.Outputs = [previous];
        var bytes = m.Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<TfliteFormatException>(() => TfliteImporter.Import(bytes, "shared-weights.tflite"));
        Assert.Contains("more work than its size allows", error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16L * bytes.Length + (4 << 20));
    }

    [Fact]
    public void Float_model_asks_for_calibration()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.Float32, [1, 4, 4, 1]);
        int w = m.Tensor("w", TfliteTestModel.Float32, [1, 1, 1, 1], data: BitConverter.GetBytes(1f));
        int y = m.Tensor("y", TfliteTestModel.Float32, [1, 4, 4, 1]);
        m.Operator(Conv2D, [x, w, -1], [y], Conv2DOptions, new FbTable((0, Fb.I8(0)), (1, Fb.I32(1)), (2, Fb.I32(1))));
        m.Outputs = [y];
        var error = Assert.Throws<TfliteFormatException>(() => Import(m));
        Assert.Contains("float TFLite models need calibration", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("operator 0 (CONV_2D)", error.Message);
    }

    [Fact]
    public void Unsupported_operator_is_named_with_its_index_and_the_supported_list()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 4], 0.1f, 128);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 4], 0.1f, 128);
        m.Operator(Tanh, [x], [y]);
        m.Outputs = [y];
        var error = Assert.Throws<TfliteFormatException>(() => Import(m));
        Assert.Contains("operator 0 is TANH", error.Message);
        Assert.Contains("HARD_SWISH, QUANTIZE, DEQUANTIZE", error.Message);
    }

    [Fact]
    public void Output_shape_that_disagrees_with_the_convolution_is_refused()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 8, 8, 1], 0.1f, 128);
        int w = m.Tensor("w", TfliteTestModel.UInt8, [2, 3, 3, 1], 0.1f, 128, new byte[18]);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 8, 8, 2], 0.1f, 128);
        // stride 2 SAME gives 4x4, not the 8x8 the file claims
        m.Operator(Conv2D, [x, w, -1], [y], Conv2DOptions, new FbTable((0, Fb.I8(0)), (1, Fb.I32(2)), (2, Fb.I32(2))));
        m.Outputs = [y];
        var error = Assert.Throws<TfliteFormatException>(() => Import(m));
        Assert.Contains("operator 0 (CONV_2D)", error.Message);
        Assert.Contains("[1,4,4,2]", error.Message);
    }

    [Fact]
    public void Options_of_the_wrong_union_type_are_refused()
    {
        var m = new TfliteTestModel();
        int x = m.Tensor("x", TfliteTestModel.UInt8, [1, 4, 4, 1], 0.1f, 128);
        int y = m.Tensor("y", TfliteTestModel.UInt8, [1, 2, 2, 1], 0.1f, 128);
        m.Operator(MaxPool2D, [x], [y], Conv2DOptions, Pool(padding: 1, stride: 2, filter: 2));
        m.Outputs = [y];
        var error = Assert.Throws<TfliteFormatException>(() => Import(m));
        Assert.Contains("union type 1, expected 5 (Pool2DOptions)", error.Message);
    }
}
