using EdgeCnn.Format;
using EdgeCnn.Model;

namespace EdgeCnn.Runtime.Tests.Format;

/// <summary>
/// The whole-model rules, exercised through the writer (which must refuse an invalid model with an
/// ArgumentException carrying the validator's EcnnFormatException) on single mutations of a model
/// that uses every operator.
/// </summary>
public class ModelValidatorTests
{
    [Fact]
    public void EveryOperatorModelIsValidAndRoundTrips()
    {
        var model = TestModels.EveryOperator();
        ModelValidator.Validate(model);
        var read = EcnnReader.Read(EcnnWriter.Write(model));
        ModelAssert.Equal(model, read);
        Assert.Equal(Enum.GetValues<OpType>().Order(), read.Operators.Select(o => o.Type).Distinct().Order());
    }

    [Fact]
    public void TransposedConvolutionAcceptsAnOutputPaddingBelowTheStride()
    {
        var model = TestModels.EveryOperator();
        Tensor(model, "transposed.out").Shape = [1, 9, 9, 8];
        Tensor(model, "maxpool.out").Shape = [1, 5, 5, 8];
        Tensor(model, "avgpool.out").Shape = [1, 5, 5, 8];
        Tensor(model, "mul.out").Shape = [1, 5, 5, 8];
        Tensor(model, "add.out").Shape = [1, 5, 5, 8];
        Tensor(model, "concat.out").Shape = [1, 5, 5, 16];
        Tensor(model, "pad.out").Shape = [1, 7, 7, 16];
        ModelValidator.Validate(model);
    }

    private static TensorDef Tensor(EcnnModel model, string name) => model.Tensors.Single(t => t.Name == name);
    private static OperatorDef Op(EcnnModel model, string name) => model.Operators.Single(o => o.Name == name);
    private static int IndexOf(EcnnModel model, string name) => model.Tensors.FindIndex(t => t.Name == name);
    private static int OpIndex(EcnnModel model, string name) => model.Operators.FindIndex(o => o.Name == name);

    public static TheoryData<string, string, Action<EcnnModel>> Mutations => new()
    {
        // Tensors.
        { "negative dimension", "tensor[0].dims[1]", m => m.Tensors[0].Shape = [1, -8, 8, 4] },
        { "rank 7", "tensor[0].rank", m => m.Tensors[0].Shape = [1, 1, 1, 1, 1, 1, 1] },
        { "constant data too short", "tensor[1].data.length", m => m.Tensors[1].Data = new byte[3] },
        { "int8 without scale", "tensor[0].scales.count", m => m.Tensors[0].Scales = [] },
        { "zero scale", "tensor[0].scales[0]", m => m.Tensors[0].Scales = [0f] },
        { "zero point out of int8", "tensor[0].zeroPoint", m => m.Tensors[0].ZeroPoint = -129 },
        { "per-channel activation", "tensor[0].scales.count", m => { m.Tensors[0].Scales = [1, 1, 1, 1]; m.Tensors[0].QuantizedAxis = 3; } },
        { "per-channel weight with zero point", "tensor[1].zeroPoint", m => m.Tensors[1].ZeroPoint = 1 },
        { "int32 activation", "tensor[0].type", m => { m.Tensors[0].Type = ElementType.Int32; m.Tensors[0].Scales = []; } },
        { "quantized float32", "tensor[27].scales.count", m => Tensor(m, "dequantize.out").Scales = [1f] },
        { "unknown element type", "tensor[0].type", m => m.Tensors[0].Type = (ElementType)7 },
        { "lone surrogate in a name", "tensor[0].name", m => m.Tensors[0].Name = "x\uD800" },
        { "name too long", "tensor[0].name", m => m.Tensors[0].Name = new string('n', 5000) },

        // Graph.
        { "constant graph input", "graph.inputs[0]", m => m.Inputs[0] = 1 },
        { "no graph output", "graph.outputs.count", m => m.Outputs.Clear() },
        { "unproduced graph output", "graph.outputs[0]", m => m.Outputs[0] = 0 },
        { "operator reads a later output", "operator[1].inputs[0]", m => Op(m, "depthwise").Inputs[0] = IndexOf(m, "maxpool.out") },
        { "operator reads its own output", "operator[0].inputs[0]", m => Op(m, "conv").Inputs[0] = IndexOf(m, "conv.out") },
        { "output written twice", "operator[1].outputs[0]", m => Op(m, "depthwise").Outputs[0] = IndexOf(m, "conv.out") },
        { "output is a constant", "operator[0].outputs[0]", m => Op(m, "conv").Outputs[0] = 1 },
        { "unknown operator type", "operator[0].type", m => Op(m, "conv").Type = (OpType)77 },
        { "wrong input count", "operator[8].inputs.count", m => Op(m, "add").Inputs = [IndexOf(m, "mul.out")] },
        { "wrong int count", "operator[0].ints.count", m => Op(m, "conv").Ints = [1, 1] },
        { "clamp min above max", "operator[0].activationMax", m => { Op(m, "conv").ActivationMin = 10; Op(m, "conv").ActivationMax = 5; } },
        { "non-finite parameter", "operator[8].floats[1]", m => Op(m, "add").Floats = [1f, float.NaN] },

        // Convolutions.
        { "conv groups do not divide channels", "operator[0].ints[8]", m => Op(m, "conv").Ints[8] = 3 },
        { "conv zero stride", "operator[0].ints[0]", m => Op(m, "conv").Ints[0] = 0 },
        { "conv negative pad", "operator[0].ints[5]", m => Op(m, "conv").Ints[5] = -1 },
        { "conv wrong output size", "operator[0].outputs[0]", m => Op(m, "conv").Ints[1] = 1 },
        { "conv kernel larger than input", "operator[0].inputs[0]", m => { Op(m, "conv").Ints[2] = 9; } },
        { "conv bias length", "operator[0].inputs[2]", m => m.Tensors[2] = TestModels.Int32Bias("conv.b", 7, new Random(1)) },
        { "conv weights not constant", "operator[0].inputs[1]", m => Op(m, "conv").Inputs[1] = 0 },
        { "conv weights symmetric", "operator[0].inputs[1]", m => { m.Tensors[1].Scales = [0.01f]; m.Tensors[1].QuantizedAxis = 0; m.Tensors[1].ZeroPoint = 3; } },
        { "depthwise multiplier", "operator[1].inputs[1]", m => Op(m, "depthwise").Ints[8] = 3 },
        { "conv scales along the input axis", "operator[0].inputs[1]", m => { m.Tensors[1].Scales = [0.01f, 0.02f]; m.Tensors[1].QuantizedAxis = 3; } },
        { "transposed output padding too large", "operator[2].outputs[0]", m => Tensor(m, "transposed.out").Shape = [1, 10, 10, 8] },
        { "fully connected K", "operator[16].inputs[1]", m => Op(m, "fc").Inputs[0] = IndexOf(m, "pad.out") },
        { "fully connected output", "operator[16].outputs[0]", m => Tensor(m, "fc.out").Shape = [10, 1] },

        // Pools, element-wise, data movement.
        { "pool pad as large as kernel", "operator[3].ints[7]", m => Op(m, "maxpool").Ints[7] = 3 },
        { "pool count-include-pad flag", "operator[4].ints[8]", m => Op(m, "avgpool").Ints[8] = 2 },
        { "pool wrong output", "operator[4].outputs[0]", m => Op(m, "avgpool").Ints[6] = 0 },
        { "global pool output", "operator[5].outputs[0]", m => Tensor(m, "globalavgpool.out").Shape = [1, 2, 1, 8] },
        { "mul not broadcastable", "operator[7].inputs[1]", m => Op(m, "mul").Inputs[1] = IndexOf(m, "depthwise.out") },
        { "add output shape", "operator[8].outputs[0]", m => Tensor(m, "add.out").Shape = [1, 4, 4, 9] },
        { "concat axis out of range", "operator[9].ints[0]", m => Op(m, "concat").Ints[0] = 4 },
        { "concat mismatch off axis", "operator[9].inputs[1]", m => Op(m, "concat").Inputs[1] = IndexOf(m, "globalavgpool.out") },
        { "concat sum", "operator[9].outputs[0]", m => Tensor(m, "concat.out").Shape = [1, 4, 4, 17] },
        { "negative pad", "operator[10].ints[1]", m => Op(m, "pad").Ints[1] = -1 },
        { "pad output", "operator[10].outputs[0]", m => Op(m, "pad").Ints[5] = 2 },
        { "resize mode", "operator[11].ints[0]", m => Op(m, "resize").Ints[0] = 2 },
        { "resize channels", "operator[11].outputs[0]", m => Tensor(m, "resize.out").Shape = [1, 12, 12, 8] },
        { "shuffle groups", "operator[12].ints[0]", m => Op(m, "channelshuffle").Ints[0] = 3 },
        { "prelu slope length", "operator[13].inputs[1]", m => m.Tensors[IndexOf(m, "prelu.slope")] = TestModels.Float32Constant("prelu.slope", new float[8]) },
        { "prelu slope not finite", "operator[13].inputs[1]", m => m.Tensors[IndexOf(m, "prelu.slope")] = TestModels.Float32Constant("prelu.slope", [.. new float[15], float.PositiveInfinity]) },
        { "reshape element count", "operator[15].outputs[0]", m => Tensor(m, "reshape.out").Shape = [1, 15] },
        { "reshape changes scale", "operator[15].outputs[0]", m => Tensor(m, "reshape.out").Scales = [0.2f] },
        { "activation kind", "operator[6].ints[0]", m => Op(m, "activation").Ints[0] = 99 },
        { "softmax int8 output", "operator[19].outputs[0]", m => Op(m, "softmax").Outputs[0] = AddInt8(m, [1, 10]) },
        { "softmax beta", "operator[19].floats[0]", m => Op(m, "softmax").Floats[0] = 0f },
        { "quantize from int8", "operator[18].inputs[0]", m => Op(m, "quantize").Inputs[0] = IndexOf(m, "fc.out") },
        { "dequantize to int8", "operator[17].outputs[0]", m => Op(m, "dequantize").Outputs[0] = AddInt8(m, [1, 10]) },

        { "slice box past the end", "operator[20].ints[3]", m => Op(m, "slice").Ints[3] = 11 },
        { "slice negative start", "operator[20].ints[0]", m => Op(m, "slice").Ints[0] = -1 },
        { "slice changes scale", "operator[20].outputs[0]", m => Tensor(m, "slice.out").Scales = [0.3f] },
        { "layernorm gamma length", "operator[21].inputs[1]", m => m.Tensors[IndexOf(m, "layernorm.gamma")] = TestModels.Float32Constant("layernorm.gamma", new float[5]) },
        { "layernorm beta not finite", "operator[21].inputs[2]", m => m.Tensors[IndexOf(m, "layernorm.beta")] = TestModels.Float32Constant("layernorm.beta", [0, 0, 0, float.NaN, 0, 0]) },
        { "layernorm epsilon", "operator[21].floats[0]", m => Op(m, "layernorm").Floats[0] = -1f },
        { "l2norm shape", "operator[22].outputs[0]", m => Tensor(m, "l2norm.out").Shape = [1, 3, 2] },
        { "float reshape to int8", "operator[23].outputs[0]", m => Op(m, "softmax.reshape").Outputs[0] = AddInt8(m, [1, 10]) },
        { "mul of rank 5", "operator[7].outputs[0]", m => Tensor(m, "mul.out").Shape = [1, 1, 4, 4, 8] },

        // Metadata.
        { "input shape differs from graph input", "metadata.inputShape", m => m.Metadata.InputShape = [1, 8, 8, 3] },
        { "preprocessing channels", "metadata.preprocessing.channels", m => m.Metadata.Preprocessing = new Preprocessing { Width = 8, Height = 8, Channels = 2 } },
        { "preprocessing std", "metadata.preprocessing.std[2]", m => m.Metadata.Preprocessing = new Preprocessing { Width = 8, Height = 8, Std = [1f, 1f, -1f] } },
        { "preprocessing crop", "metadata.preprocessing.cropFraction", m => m.Metadata.Preprocessing = new Preprocessing { Width = 8, Height = 8, CropFraction = 0f } },
        { "preprocessing size", "metadata.preprocessing.width", m => m.Metadata.Preprocessing = new Preprocessing { Width = 0, Height = 8 } },
        { "null label", "metadata.labels[1]", m => m.Metadata.Labels = ["a", null!] },
    };

    /// <summary>Adds an unused int8 activation and returns its index.</summary>
    private static int AddInt8(EcnnModel model, int[] shape) => model.AddTensor(TestModels.Activation("extra", shape, 0.1f, 0));

    [Theory]
    [MemberData(nameof(Mutations))]
    public void WriterRefusesAnInvalidModelNamingTheField(string rule, string field, Action<EcnnModel> mutate)
    {
        var model = TestModels.EveryOperator();
        mutate(model);

        var e = Assert.Throws<ArgumentException>(() => EcnnWriter.Write(model));
        var inner = Assert.IsType<EcnnFormatException>(e.InnerException);
        Assert.True(field == inner.Field, $"{rule}: expected field {field}, got: {inner.Message}");
        Assert.Contains(inner.Message, e.Message);
        Assert.Equal("<model>", inner.Source);
    }

    [Fact]
    public void OperatorIndicesInTheMutationsAreRight()
    {
        var model = TestModels.EveryOperator();
        Assert.Equal(0, OpIndex(model, "conv"));
        Assert.Equal(8, OpIndex(model, "add"));
        Assert.Equal(16, OpIndex(model, "fc"));
        Assert.Equal(19, OpIndex(model, "softmax"));
        Assert.Equal(27, IndexOf(model, "dequantize.out"));
    }
}
