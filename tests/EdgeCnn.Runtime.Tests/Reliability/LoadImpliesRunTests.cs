using EdgeCnn.Format;
using EdgeCnn.Model;
using EdgeCnn.Runtime.Tests.Format;
using EdgeCnn.Runtime.Tests.Session;

namespace EdgeCnn.Runtime.Tests.Reliability;

/// <summary>
/// The format's promise, as a property: a model the validator accepts creates a session and runs.
/// Thousands of seeded mutations of the test models (scales from denormal to float.MaxValue, zero
/// points, parameters, clamps, shapes); each accepted one must load, create a session and run without
/// any exception, and each refused one must be refused with the one documented exception.
/// </summary>
public class LoadImpliesRunTests
{
    private static readonly float[] ExtremeScales =
        [float.Epsilon, 1e-44f, 1e-38f, 1e-30f, 1e-12f, 1e-4f, 0.02f, 1f, 1e4f, 1e12f, 1e30f, 1e38f, float.MaxValue];

    public static TheoryData<string> Models => new() { "every-operator", "small-classifier", "residual" };

    private static EcnnModel Build(string name) => name switch
    {
        "every-operator" => TestModels.EveryOperator(),
        "small-classifier" => TestModels.SmallClassifier(),
        _ => RuntimeTestModels.Residual(),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryMutatedModelTheValidatorAcceptsCreatesASessionAndRuns(string name)
    {
        const int iterations = 1500;
        int accepted = 0;
        for (int i = 0; i < iterations; i++)
        {
            var random = new Random(i * 7919 + name.Length);
            var model = Build(name);
            var applied = new List<string>();
            int mutations = 1 + random.Next(3);
            for (int m = 0; m < mutations; m++) applied.Add(Mutate(model, random));

            try { ModelValidator.Validate(model); }
            catch (EcnnFormatException) { continue; }
            catch (Exception e)
            {
                Assert.Fail($"{name} #{i} ({string.Join("; ", applied)}): the validator threw {e.GetType().Name} instead of EcnnFormatException: {e.Message}");
            }

            accepted++;
            try
            {
                using var loaded = EdgeModel.FromDefinition(model);
                using var session = loaded.CreateSession(new SessionOptions { Threads = 1 + random.Next(2) });
                if (session.InputType == ElementType.Int8)
                {
                    var input = session.InputBuffer;
                    for (int k = 0; k < input.Length; k++) input[k] = (sbyte)random.Next(-128, 128);
                    session.Run();
                }
                else
                {
                    var values = new float[session.InputShape.Aggregate(1, (a, d) => a * d)];
                    for (int k = 0; k < values.Length; k++) values[k] = (float)(random.NextDouble() * 4 - 2);
                    session.Run<float>(values, session.InputShape);
                }
            }
            catch (Exception e)
            {
                Assert.Fail($"{name} #{i} ({string.Join("; ", applied)}): the validator accepted the model, then {e.GetType().Name}: {e.Message}");
            }
        }
        // The property must be exercised, not vacuously true: a good share of mutants stays valid.
        Assert.True(accepted >= iterations / 10, $"only {accepted} of {iterations} mutants were accepted");
    }

    private static string Mutate(EcnnModel model, Random random)
    {
        switch (random.Next(7))
        {
            case 0:
            case 1:
            {
                int t = random.Next(model.Tensors.Count);
                var tensor = model.Tensors[t];
                if (tensor.Scales.Length == 0) return "none";
                int s = random.Next(tensor.Scales.Length);
                float scale = random.Next(2) == 0 ? ExtremeScales[random.Next(ExtremeScales.Length)] : MathF.Pow(10f, random.Next(-45, 39));
                tensor.Scales = (float[])tensor.Scales.Clone();
                tensor.Scales[s] = scale;
                return $"tensor '{tensor.Name}' scale[{s}] = {scale:R}";
            }
            case 2:
            {
                var tensor = model.Tensors[random.Next(model.Tensors.Count)];
                tensor.ZeroPoint = random.Next(-130, 131);
                return $"tensor '{tensor.Name}' zero point {tensor.ZeroPoint}";
            }
            case 3:
            {
                var op = model.Operators[random.Next(model.Operators.Count)];
                if (op.Ints.Length == 0) return "none";
                int k = random.Next(op.Ints.Length);
                op.Ints = (int[])op.Ints.Clone();
                op.Ints[k] = random.Next(4) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-2, 12);
                return $"op '{op.Name}' ints[{k}] = {op.Ints[k]}";
            }
            case 4:
            {
                var op = model.Operators[random.Next(model.Operators.Count)];
                if (op.Floats.Length == 0) return "none";
                int k = random.Next(op.Floats.Length);
                op.Floats = (float[])op.Floats.Clone();
                op.Floats[k] = (random.Next(2) == 0 ? -1 : 1) * (random.Next(2) == 0 ? ExtremeScales[random.Next(ExtremeScales.Length)] : (float)random.NextDouble() * 8);
                return $"op '{op.Name}' floats[{k}] = {op.Floats[k]:R}";
            }
            case 5:
            {
                var op = model.Operators[random.Next(model.Operators.Count)];
                op.ActivationMin = random.Next(-130, 128);
                op.ActivationMax = random.Next(op.ActivationMin, 130);
                return $"op '{op.Name}' clamp [{op.ActivationMin}, {op.ActivationMax}]";
            }
            default:
            {
                var tensor = model.Tensors[random.Next(model.Tensors.Count)];
                if (tensor.Shape.Length == 0 || tensor.IsConstant) return "none";
                int d = random.Next(tensor.Shape.Length);
                tensor.Shape = (int[])tensor.Shape.Clone();
                tensor.Shape[d] = Math.Max(1, tensor.Shape[d] + random.Next(-2, 3));
                return $"tensor '{tensor.Name}' dims[{d}] = {tensor.Shape[d]}";
            }
        }
    }
}
