
namespace EdgeCnn.Converter.Tests.Conformance;

/// <summary>
/// ONNX's own backend node tests for every listed operator (vendored under Data/onnx/node). Each case
/// is a theory row; the summary runs them all and prints "ONNX node conformance: passed/total".
/// Excluded cases and their reasons: <see cref="NodeConformanceRunner.Excluded"/>.
/// </summary>
public sealed class NodeConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in ConformanceData.NodeCases())
            if (!NodeConformanceRunner.Excluded.ContainsKey(name)) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_matches_expected_outputs(string caseName)
    {
        var problem = NodeConformanceRunner.Run(caseName);
        Assert.True(problem is null, $"{caseName}: {problem}");
    }

    [Fact]
    public void Summary_every_listed_operator_case_passes()
    {
        var cases = ConformanceData.NodeCases().ToList();
        Assert.True(cases.Count > 150, $"only {cases.Count} vendored node cases found");
        var failures = new List<string>();
        int passed = 0;
        foreach (var name in cases)
        {
            if (NodeConformanceRunner.Excluded.TryGetValue(name, out var reason))
            {
                Report($"  excluded {name}: {reason}");
                continue;
            }
            var problem = NodeConformanceRunner.Run(name);
            if (problem is null) passed++;
            else failures.Add($"{name}: {problem}");
        }
        foreach (var f in failures) Report($"  FAILED {f}");
        Report($"ONNX node conformance: {passed}/{cases.Count} ({NodeConformanceRunner.Excluded.Count} excluded with reasons)");
        Assert.True(failures.Count == 0, $"{failures.Count} listed-operator cases failed:\n{string.Join("\n", failures)}");
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
