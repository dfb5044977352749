using EdgeCnn.Runtime.Tests.Format;

namespace EdgeCnn.Runtime.Tests.Reliability;

/// <summary>A session serves one thread at a time and says so; thread counts are bounded.</summary>
public class SessionGuardTests
{
    [Fact]
    public void TwoThreadsRunningOneSessionGetAnInvalidOperationExceptionNotWrongOutputs()
    {
        using var model = EdgeModel.FromDefinition(TestModels.EveryOperator());
        using var session = model.CreateSession();
        var random = new Random(5);
        var input = session.InputBuffer;
        for (int i = 0; i < input.Length; i++) input[i] = (sbyte)random.Next(-128, 128);

        var refused = new List<InvalidOperationException>();
        var other = new List<Exception>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var start = new Barrier(2);
        void Hammer()
        {
            start.SignalAndWait();
            while (DateTime.UtcNow < deadline)
            {
                try { session.Run(); }
                catch (InvalidOperationException e) { lock (refused) refused.Add(e); return; }
                catch (Exception e) { lock (other) other.Add(e); return; }
                lock (refused) if (refused.Count > 0) return;
            }
        }
        var threads = new[] { new Thread(Hammer), new Thread(Hammer) };
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)));

        Assert.Empty(other);
        var e = Assert.Single(refused.Take(1));
        Assert.Contains("one thread at a time", e.Message);
        Assert.Contains("one session per thread", e.Message);
        // The session is still usable by one thread after the refusal.
        session.Run();
    }

    [Fact]
    public void SequentialUseFromDifferentThreadsIsAllowed()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        using var session = model.CreateSession();
        var input = Session.RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 3);
        int[] shape = [1, 8, 8, 3];
        var first = session.Run<float>(input, shape).ToArray();
        float[]? second = null;
        var t = new Thread(() => second = session.Run<float>(input, shape).ToArray());
        t.Start();
        t.Join();
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(SessionOptions.MaxThreads + 1)]
    [InlineData(100000)]
    public void AThreadCountOutsideTheBoundIsRefusedWithTheBoundAndWhy(int threads)
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateSession(new SessionOptions { Threads = threads }));
        Assert.Contains($"between 1 and {SessionOptions.MaxThreads}", e.Message);
        Assert.Contains("cores", e.Message);
    }

    [Fact]
    public void TheLargestAllowedThreadCountWorksAndItsThreadsStop()
    {
        using var model = EdgeModel.FromDefinition(TestModels.SmallClassifier());
        var input = Session.RuntimeTestModels.RandomInput(8 * 8 * 3, seed: 4);
        int[] shape = [1, 8, 8, 3];
        using var one = model.CreateSession();
        var single = one.Run<float>(input, shape).ToArray();
        using var session = model.CreateSession(new SessionOptions { Threads = SessionOptions.MaxThreads });
        Assert.Equal(single, session.Run<float>(input, shape).ToArray());
    }
}
