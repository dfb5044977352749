using System.Runtime.CompilerServices;
using EdgeCnn.Format;
using EdgeCnn.Model;
using EdgeCnn.Runtime.Tests.Format;

namespace EdgeCnn.Runtime.Tests.Reliability;

/// <summary>
/// Every scale finite and positive, and still a value a session derives from them is not: the validator
/// (and so the reader and the writer) must refuse such a model, naming the derived field.
/// </summary>
public class DerivedArithmeticTests
{
    private static string DataFile(string name, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Data", name);

    [Fact]
    public void TheFuzzerFoundModelThatLoadedButCouldNotRunIsRefusedAtLoad()
    {
        // Reproducer from ../shared/reliability: Load accepted it, CreateSession threw ArgumentException.
        var e = Assert.Throws<EcnnFormatException>(() => EdgeModel.Load(DataFile("loads-but-cannot-run.ecnn")));
        Assert.Matches(@"^operator\[\d+\]\.(multiplier|scaleRatio|betaScale|negativeMultiplier)", e.Field);
        Assert.Contains("loads-but-cannot-run.ecnn", e.Message);
    }

    public static TheoryData<string, float, string, string> Breaks => new()
    {
        // tensor whose scale changes, its new scale, the operator that must be named, the derived field
        { "conv.out", 1e-45f, "conv", "multiplier[0]" },       // in * w / out overflows
        { "x", 1e-44f, "conv", "multiplier[0]" },              // in * w underflows to 0
        { "fc.w", float.Epsilon, "fc", "multiplier[0]" },      // in * w underflows to 0
        { "avgpool.out", 1e-45f, "avgpool", "scaleRatio[0]" },
        { "globalavgpool.out", 1e-45f, "globalavgpool", "scaleRatio[0]" },
        { "mul.out", 1e-45f, "mul", "multiplier" },
        { "add.out", 1e-45f, "add", "multiplierA" },
        { "concat.out", 1e-45f, "concat", "scaleRatio[0]" },
        { "resize.out", 1e-45f, "resize", "scaleRatio[0]" },
        { "prelu.out", 1e-45f, "prelu", "scaleRatio[0]" },
        { "layernorm.out", 1e-44f, "layernorm", "normalization" },   // gamma / out overflows
    };

    [Theory]
    [MemberData(nameof(Breaks))]
    public void AModelWhoseDerivedArithmeticIsUnusableIsRefusedByValidatorAndWriter(string tensor, float scale, string op, string field)
    {
        var model = TestModels.EveryOperator();
        model.Tensors.Single(x => x.Name == tensor).Scales = [scale];
        AssertRefused(model, op, field);
    }

    [Fact]
    public void ASoftmaxWhoseBetaTimesScaleOverflowsIsRefused()
    {
        var model = TestModels.EveryOperator();
        model.Operators.Single(o => o.Name == "softmax").Floats = new SoftmaxParams(false, 1e38f).ToFloats();
        model.Tensors.Single(x => x.Name == "quantize.out").Scales = [100f];
        AssertRefused(model, "softmax", "betaScale");
    }

    [Fact]
    public void APReluSlopeWhoseMultiplierOverflowsIsRefused()
    {
        var model = TestModels.EveryOperator();
        var slopes = new float[16];
        slopes[3] = 3e38f;
        model.Tensors[model.Tensors.FindIndex(t => t.Name == "prelu.slope")] = TestModels.Float32Constant("prelu.slope", slopes);
        model.Tensors.Single(x => x.Name == "prelu.out").Scales = [0.01f];
        AssertRefused(model, "prelu", "negativeMultiplier[3]");
    }

    private static void AssertRefused(EcnnModel model, string op, string field)
    {
        int index = model.Operators.FindIndex(o => o.Name == op);
        var e = Assert.Throws<EcnnFormatException>(() => ModelValidator.Validate(model));
        Assert.Equal($"operator[{index}].{field}", e.Field);
        Assert.Contains($"'{op}'", e.Message);
        var w = Assert.Throws<ArgumentException>(() => EcnnWriter.Write(model));
        Assert.Equal(e.Field, Assert.IsType<EcnnFormatException>(w.InnerException).Field);
    }
}
