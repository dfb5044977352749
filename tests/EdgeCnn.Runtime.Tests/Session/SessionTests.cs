using EdgeCnn.Format;
using EdgeCnn.Model;
using EdgeCnn.Quantization;
using EdgeCnn.Reference;
using EdgeCnn.Runtime.Tests.Format;

namespace EdgeCnn.Runtime.Tests.Session;

public class SessionTests
{
    private static readonly int[] SmallInputShape = [1, 8, 8, 3];

    [Fact]
    public void TheSmallClassifierLoadsFromBytesFileAndStreamAndRuns()
    {
        var bytes = EcnnWriter.Write(TestModels.SmallClassifier());
        var path = Path.Combine(Path.GetTempPath(), $"edgecnn-small-{Environment.ProcessId}.ecnn");
        File.WriteAllBytes(path, bytes);
        try
        {
            var input = RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 3);
            float[]? previous = null;
            foreach (var model in new[] { EdgeModel.Load(bytes), EdgeModel.Load(path), EdgeModel.Load(new MemoryStream(bytes)) })
            {
                using (model)
                using (var session = model.CreateSession())
                {
                    var output = session.Run<float>(input, SmallInputShape).ToArray();
                    Assert.Equal(10, output.Length);
                    Assert.Equal(1f, output.Sum(), 3);
                    if (previous is not null) Assert.Equal(previous, output);
                    previous = output;
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheSessionComputesWhatTheReferenceOperatorsComputeInSequence()
    {
        var definition = TestModels.SmallClassifier();
        using var model = EdgeModel.FromDefinition(definition);
        using var session = model.CreateSession();
        var input = RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 11);

        var actual = session.Run<float>(input, SmallInputShape).ToArray();

        // The same chain by hand, straight from the model's tensors.
        TensorDef T(string name) => definition.Tensors.Single(t => t.Name == name);
        sbyte[] I8(string name) => T(name).Data!.Select(b => (sbyte)b).ToArray();
        int[] I32(string name) => Enumerable.Range(0, T(name).Data!.Length / 4).Select(i => BitConverter.ToInt32(T(name).Data!, 4 * i)).ToArray();
        var x = new sbyte[input.Length];
        Quantize.Run(input, T("input").Scale, T("input").ZeroPoint, x);
        var conv = new sbyte[8 * 8 * 4];
        var convParams = definition.Operators[0].Conv;
        Conv2D.Run(x, I8("conv.weight"), I32("conv.bias"), QuantMath.Multipliers(T("input").Scale, T("conv.weight").Scales, T("conv.out").Scale),
            ConvGeometry.ForConv(new Shape4(1, 8, 8, 3), new Shape4(1, 8, 8, 4), 3, 3, convParams),
            new ConvQuantization(T("input").ZeroPoint, T("conv.out").ZeroPoint, definition.Operators[0].ActivationMin, definition.Operators[0].ActivationMax), conv);
        var pool = new sbyte[4 * 4 * 4];
        MaxPool.Run(conv, PoolGeometry.From(new Shape4(1, 8, 8, 4), new Shape4(1, 4, 4, 4), definition.Operators[1].Pool), -128, 127, pool);
        var logits = new sbyte[10];
        FullyConnected.Run(pool, I8("fc.weight"), I32("fc.bias"), QuantMath.Multipliers(T("pool.out").Scale, T("fc.weight").Scales, T("fc.out").Scale),
            1, 64, 10, new ConvQuantization(T("pool.out").ZeroPoint, T("fc.out").ZeroPoint), logits);
        var expected = new float[10];
        Softmax.Run(logits, 10, T("fc.out").Scale, 1f, false, expected);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void RunAllocatesNothingAfterTheFirstCall()
    {
        using var model = EdgeModel.FromDefinition(RuntimeTestModels.Residual());
        using var session = model.CreateSession();
        var input = RuntimeTestModels.RandomInput(6 * 6 * 3, seed: 5);
        int[] shape = [1, 6, 6, 3];
        var top = new Prediction[3];
        session.Run<float>(input, shape);
        session.TopK(top);

        long allocated = SteadyStateAllocation.Smallest(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                session.Run<float>(input, shape);
                session.Run();
                session.TopK(top);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TwoSessionsOfOneModelRunConcurrentlyWithIdenticalResults()
    {
        using var model = EdgeModel.FromDefinition(RuntimeTestModels.Residual());
        var inputs = Enumerable.Range(0, 50).Select(i => RuntimeTestModels.RandomInput(6 * 6 * 3, seed: 100 + i)).ToArray();
        int[] shape = [1, 6, 6, 3];
        float[][] RunAll()
        {
            using var session = model.CreateSession();
            return inputs.Select(x => session.Run<float>(x, shape).ToArray()).ToArray();
        }

        var serial = RunAll();
        float[][]? first = null, second = null;
        var threads = new[] { new Thread(() => first = RunAll()), new Thread(() => second = RunAll()) };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a session thread did not finish");

        Assert.Equal(serial, first);
        Assert.Equal(serial, second);
    }

    [Fact]
    public void PeakArenaBytesIsBelowTheSumOfAllActivations()
    {
        using var model = EdgeModel.FromDefinition(RuntimeTestModels.Residual());
        using var shared = model.CreateSession();
        using var separate = model.CreateSession(new SessionOptions { KeepIntermediateTensors = true });
        Assert.True(shared.PeakArenaBytes > 0);
        Assert.True(shared.PeakArenaBytes < separate.PeakArenaBytes, $"{shared.PeakArenaBytes} vs {separate.PeakArenaBytes}");
    }

    [Fact]
    public void IntermediateTensorsCanBeReadWhenKept()
    {
        using var model = EdgeModel.FromDefinition(RuntimeTestModels.Residual());
        using var session = model.CreateSession(new SessionOptions { KeepIntermediateTensors = true });
        session.Run<float>(RuntimeTestModels.RandomInput(6 * 6 * 3, seed: 2), [1, 6, 6, 3]);
        var conv = session.GetTensorDequantized("c1.out");
        Assert.Equal(6 * 6 * 8, conv.Length);
        Assert.All(conv, v => Assert.True(v >= 0f, "c1.out has zero point -128, so it is never negative"));

        using var sharing = model.CreateSession();
        Assert.Throws<InvalidOperationException>(() => sharing.GetTensorDequantized("c1.out"));
        Assert.Throws<ArgumentException>(() => session.GetTensorDequantized("no-such-tensor"));
    }

    [Fact]
    public void AWrongInputShapeNamesExpectedAndGiven()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        using var session = model.CreateSession();
        var e = Assert.Throws<ArgumentException>(() => session.Run<float>(new float[8 * 8 * 3], [1, 3, 8, 8]));
        Assert.Contains("[1,3,8,8]", e.Message);
        Assert.Contains("[1,8,8,3]", e.Message);

        var e2 = Assert.Throws<ArgumentException>(() => session.Run<float>(new float[10], SmallInputShape));
        Assert.Contains("10", e2.Message);
        Assert.Contains("192", e2.Message);
    }

    [Fact]
    public void AWrongInputTypeNamesExpectedAndGiven()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        using var session = model.CreateSession();
        var e = Assert.Throws<ArgumentException>(() => session.Run<double>(new double[8 * 8 * 3], SmallInputShape));
        Assert.Contains("Double", e.Message);
        Assert.Contains("Single", e.Message);
        Assert.Throws<ArgumentException>(() => session.Run<byte>(new byte[8 * 8 * 3], SmallInputShape));
    }

    [Fact]
    public void QuantizedInputThroughTheInputBufferGivesTheSameResultAsFloatInput()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        using var session = model.CreateSession();
        var input = RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 9);
        var viaFloat = session.Run<float>(input, SmallInputShape).ToArray();

        Quantize.Run(input, session.InputScale, session.InputZeroPoint, session.InputBuffer);
        var viaBuffer = session.Run().ToArray();

        Assert.Equal(viaFloat, viaBuffer);
    }

    [Fact]
    public void TopKReturnsLabelsFromTheMetadataBestFirst()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        using var session = model.CreateSession();
        var scores = session.Run<float>(RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 4), SmallInputShape).ToArray();

        var top = session.TopK(3);

        Assert.Equal(3, top.Count);
        int best = Array.IndexOf(scores, scores.Max());
        Assert.Equal(best, top[0].Index);
        Assert.Equal(model.Metadata.Labels[best], top[0].Label);
        Assert.True(top[0].Score >= top[1].Score && top[1].Score >= top[2].Score);
    }

    [Fact]
    public void ABadSessionOptionIsRefused()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateSession(new SessionOptions { Threads = 0 }));
    }
}

public class ArenaLimitTests
{
    [Fact]
    public void AModelNeedingMoreArenaThanAllowedIsRefusedBeforeAllocating()
    {
        using var model = EdgeModel.FromDefinition(RuntimeTestModels.Residual());
        var e = Assert.Throws<InvalidOperationException>(() => model.CreateSession(new SessionOptions { MaxArenaBytes = 256 }));
        Assert.Contains("MaxArenaBytes", e.Message);
    }
}
