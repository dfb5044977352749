using System.Runtime.CompilerServices;
namespace EdgeCnn.Converter.Tests.Tflite;

/// <summary>
/// Finds the data shared between checkouts (models, images, datasets) that is not in the repository:
/// the EDGECNN_SHARED environment variable, else a "shared" directory beside the checkout or one of its
/// parents. Tests that need it are skipped, with the reason, when it is absent.
/// </summary>
public static class SharedData
{
    public const string EnvironmentVariable = "EDGECNN_SHARED";

    public static string? Root { get; } = Locate();

    public static string MissingReason =>
        $"shared test data not found: set {EnvironmentVariable} to the directory holding models/coral (or place it at ../shared)";

    public static string CoralModel(string fileName) => Path.Combine(Root ?? "", "models", "coral", fileName);

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Directory.Exists(Path.Combine(fromEnvironment, "models")) ? fromEnvironment : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "models", "coral"))) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the reason, when the shared test data is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (SharedData.Root is null) Skip = SharedData.MissingReason;
    }
}

/// <summary>A theory that is skipped, with the reason, when the shared test data is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (SharedData.Root is null) Skip = SharedData.MissingReason;
    }
}
