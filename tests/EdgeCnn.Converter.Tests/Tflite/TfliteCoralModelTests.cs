using EdgeCnn.Converter.Tflite;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Tests.Tflite;

public class TfliteCoralModelTests(ITestOutputHelper output)
{
    private static EcnnModel Import(string file, string? labels = null) =>
        TfliteImporter.Import(SharedData.CoralModel(file), labels is null ? null : SharedData.CoralModel(labels));

    private static Dictionary<OpType, int> Census(EcnnModel model) =>
        model.Operators.GroupBy(o => o.Type).ToDictionary(g => g.Key, g => g.Count());

    [SharedDataTheory]
    [InlineData("mobilenet_v1_0.25_128_quant.tflite")]
    [InlineData("mobilenet_v1_0.5_160_quant.tflite")]
    [InlineData("mobilenet_v1_0.75_192_quant.tflite")]
    [InlineData("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite")]
    [InlineData("mobilenet_v2_1.0_224_quant.tflite")]
    [InlineData("tf2_mobilenet_v2_1.0_224_ptq.tflite")]
    [InlineData("deeplabv3_mnv2_dm05_pascal_quant.tflite")]
    public void Every_coral_model_imports_into_a_consistent_graph(string file)
    {
        var model = Import(file);
        output.WriteLine($"{file}: {string.Join(", ", Census(model).Select(kv => $"{kv.Key} {kv.Value}"))}; "
            + $"requantized weight channels {model.Metadata.Properties["tflite.requantizedWeightChannels"]}");

        Assert.Single(model.Inputs);
        Assert.NotEmpty(model.Outputs);
        Assert.Equal(ElementType.Int8, model.Tensors[model.Inputs[0]].Type);
        foreach (var o in model.Outputs) Assert.Equal(ElementType.Float32, model.Tensors[o].Type);

        // Every operator reads tensors written before it (or constants / graph inputs) and matches its schema.
        var written = new HashSet<int>(model.Inputs);
        foreach (var op in model.Operators)
        {
            Assert.True(OpSchema.TryGet(op.Type, out var schema));
            Assert.InRange(op.Inputs.Length, schema.MinInputs, schema.MaxInputs);
            Assert.Equal(schema.Outputs, op.Outputs.Length);
            if (op.Type != OpType.Concat) Assert.Equal(schema.IntCount, op.Ints.Length);
            Assert.Equal(schema.FloatCount, op.Floats.Length);
            foreach (var i in op.Inputs) Assert.True(written.Contains(i) || model.Tensors[i].IsConstant, $"{op} reads tensor {i} before it is written");
            foreach (var o in op.Outputs) Assert.True(written.Add(o), $"{op} writes tensor {o} twice");
        }
        foreach (var tensor in model.Tensors.Where(t => t.Type == ElementType.Int8 && t.IsConstant && t.Scales.Length > 1))
        {
            Assert.Equal(0, tensor.ZeroPoint);
            Assert.DoesNotContain(tensor.Data!, b => b == 0x80); // symmetric weights stay within [-127, 127]
        }
        foreach (var o in model.Outputs) Assert.Contains(o, written);
    }

    [SharedDataFact]
    public void Mobilenet_v2_uint8_keeps_the_files_quantization()
    {
        var model = Import("mobilenet_v2_1.0_224_quant.tflite", "imagenet_labels.txt");
        var census = Census(model);
        Assert.Equal(36, census[OpType.Conv2D]);
        Assert.Equal(17, census[OpType.DepthwiseConv2D]);
        Assert.Equal(10, census[OpType.Add]);
        Assert.Equal(1, census[OpType.GlobalAvgPool]); // the 7x7 VALID AVERAGE_POOL_2D
        Assert.Equal(1, census[OpType.Reshape]);
        Assert.Equal(1, census[OpType.Softmax]);
        Assert.Equal(66, model.Operators.Count); // no Dequantize: our Softmax already gives float

        // Input: uint8 scale 1/128 zero point 128 -> int8 zero point 0.
        var input = model.Tensors[model.Inputs[0]];
        Assert.Equal([1, 224, 224, 3], input.Shape);
        Assert.Equal(0.0078125f, input.Scale);
        Assert.Equal(0, input.ZeroPoint);

        var outputTensor = model.Tensors[model.Outputs[0]];
        Assert.Equal([1, 1001], outputTensor.Shape);
        Assert.Equal(ElementType.Float32, outputTensor.Type);
        Assert.Equal(OpType.Softmax, model.Operators[^1].Type);
        Assert.Equal(1f, model.Operators[^1].SoftmaxOptions.Beta);

        // First layer: 3x3 stride 2 SAME on 224 -> 112: one pixel of padding in total, after (bottom/right).
        var first = model.Operators[0];
        Assert.Equal(OpType.Conv2D, first.Type);
        Assert.Equal(new ConvParams(2, 2, 1, 1, 0, 0, 1, 1, 1), first.Conv);
        Assert.Equal([32, 3, 3, 3], model.Tensors[first.Inputs[1]].Shape);
        Assert.Equal(32, model.Tensors[first.Inputs[1]].Scales.Length);
        Assert.Equal(ElementType.Int32, model.Tensors[first.Inputs[2]].Type);
        Assert.Equal([1, 112, 112, 32], model.Tensors[first.Outputs[0]].Shape);
        // Its RELU6 output is quantized as uint8 scale 6/255, zero point 0: [0, 6] is the whole int8 range.
        var firstOutput = model.Tensors[first.Outputs[0]];
        Assert.Equal(-128, firstOutput.ZeroPoint);
        Assert.Equal(6f / 255f, firstOutput.Scale, 4);
        Assert.Equal((-128, 127), (first.ActivationMin, first.ActivationMax));

        var depthwise = model.Operators.First(o => o.Type == OpType.DepthwiseConv2D);
        Assert.Equal(3, model.Tensors[depthwise.Inputs[1]].QuantizedAxis);
        Assert.Equal(1, depthwise.Conv.Groups);

        var labels = model.Metadata.Labels;
        Assert.Equal(1001, labels.Length);
        Assert.Equal("background", labels[0]);
        Assert.StartsWith("Egyptian cat", labels[286]);
        Assert.StartsWith("military uniform", labels[653]);

        var pre = model.Metadata.Preprocessing!;
        Assert.Equal((224, 224, 3), (pre.Width, pre.Height, pre.Channels));
        Assert.Equal(128f / 255f, pre.Mean[0], 6);
        Assert.Equal(128f / 255f, pre.Std[0], 6);
        Assert.Equal("edgecnn tflite import", model.Metadata.Producer);
        Assert.Equal("mobilenet_v2_1.0_224_quant", model.Metadata.Name);
        Assert.Equal([1, 224, 224, 3], model.Metadata.InputShape);
        output.WriteLine($"requantized weight channels: {model.Metadata.Properties["tflite.requantizedWeightChannels"]}");
    }

    [SharedDataFact]
    public void Tf2_int8_model_collapses_its_uint8_adapters_and_keeps_weights_exact()
    {
        var model = Import("tf2_mobilenet_v2_1.0_224_ptq.tflite");
        var census = Census(model);
        Assert.Equal(36, census[OpType.Conv2D]);
        Assert.Equal(17, census[OpType.DepthwiseConv2D]);
        Assert.Equal(10, census[OpType.Add]);
        Assert.Equal(1, census[OpType.GlobalAvgPool]); // MEAN over H, W
        Assert.False(census.ContainsKey(OpType.Quantize));
        Assert.False(census.ContainsKey(OpType.Dequantize));
        Assert.Equal(OpType.Softmax, model.Operators[^1].Type);
        // int8 per-channel weights are symmetric already: nothing is requantized.
        Assert.StartsWith("0 of ", model.Metadata.Properties["tflite.requantizedWeightChannels"]);
        var input = model.Tensors[model.Inputs[0]];
        Assert.Equal([1, 224, 224, 3], input.Shape);
        Assert.Equal("uint8", model.Metadata.Properties["tflite.inputType"]);
        Assert.Equal([1, 1001], model.Tensors[model.Outputs[0]].Shape);
    }

    [SharedDataFact]
    public void Deeplab_drops_its_final_argmax_and_outputs_class_scores()
    {
        var model = Import("deeplabv3_mnv2_dm05_pascal_quant.tflite", "pascal_voc_segmentation_labels.txt");
        Assert.True(model.Metadata.Properties.ContainsKey("tflite.droppedFinalArgMax"));
        Assert.Equal([1, 513, 513, 21], model.Tensors[model.Outputs[0]].Shape);
        Assert.Equal(21, model.Metadata.Labels.Length);
        Assert.Contains(model.Operators, o => o.Type is OpType.DepthwiseConv2D && o.Conv.DilationH > 1);
        Assert.Contains(model.Operators, o => o.Type == OpType.Resize && o.ResizeOptions.Mode == ResizeMode.Bilinear);
    }

    [SharedDataFact]
    public void Invalid_model_names_the_unsupported_custom_operator()
    {
        var error = Assert.Throws<TfliteFormatException>(() => TfliteImporter.Import(SharedData.CoralModel("invalid/model_invoking_error.tflite")));
        Assert.Contains("operator 0", error.Message);
        Assert.Contains("CUSTOM 'fake-op-double'", error.Message);
        Assert.Contains("CONV_2D, DEPTHWISE_CONV_2D", error.Message);
        Assert.Contains("model_invoking_error.tflite", error.Message);
    }

    [SharedDataFact]
    public void Split_concat_splits_the_channels_into_slices_and_runs()
    {
        var model = Import("split_concat.tflite");
        var slices = model.Operators.Where(o => o.Type == OpType.Slice).ToList();
        Assert.Equal(6, slices.Count);
        Assert.Equal(Enumerable.Range(0, 6), slices.Select(s => s.SliceStart.C));
        Assert.All(slices, s => Assert.Equal([1, 8, 8, 1], model.Tensors[s.Outputs[0]].Shape));
        var concat = model.Operators.First(o => o.Type == OpType.Concat);
        using var edge = EdgeCnn.EdgeModel.FromDefinition(model);
        using var session = edge.CreateSession();
        var input = new float[8 * 8 * 3];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 3) * 0.25f - 0.5f + (i / 3) * 0.001f;
        var first = session.Run<float>(input, session.InputShape).ToArray();
        Assert.Equal(64, first.Length);
        // Each split output is one channel of the concatenation, whose first input is the model's input.
        Assert.Equal(model.Inputs[0], concat.Inputs[0]);
        for (int p = 0; p < 64; p++) Assert.Equal(input[3 * p], first[p], 0.01f);
    }

    [SharedDataFact]
    public void Labels_that_do_not_match_the_output_are_refused()
    {
        var error = Assert.Throws<TfliteFormatException>(() => Import("mobilenet_v1_0.25_128_quant.tflite", "pascal_voc_segmentation_labels.txt"));
        Assert.Contains("21 entries", error.Message);
        Assert.Contains("1001 classes", error.Message);
    }
}
