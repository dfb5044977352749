using System.Text;

namespace EdgeCnn.Cli.Output;

/// <summary>
/// How every command writes a file (.ecnn models, reports, embeddings): checked before any work, then
/// written to a temporary file beside the target and renamed over it, so the target is either the old
/// file or the complete new one, never a truncated mix, and never one of the command's inputs.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Refuses an output that resolves to one of <paramref name="inputs"/> (through symbolic links too),
    /// is a folder, or lies in a folder that does not exist or cannot be written; returns the path.
    /// Runs before calibration, so a bad -o costs nothing.
    /// </summary>
    public static string Prepare(string path, string option, params string?[] inputs)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException($"{option} needs a file name");
        if (Directory.Exists(path)) throw new UserInputException($"{option} '{path}' is a folder, not a file");
        string target = Resolve(path);
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input) || !File.Exists(input)) continue;
            if (string.Equals(Resolve(input), target, StringComparison.Ordinal))
                throw new UserInputException($"{option} '{path}' is the input file '{input}'; refusing to overwrite it (choose another output name)");
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new UserInputException($"{option} '{path}': the folder '{folder}' does not exist");
        string probe = TemporaryBeside(path);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{option} '{path}': cannot write in the folder '{folder}': {e.Message}");
        }
        return path;
    }

    public static void WriteText(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, renames it into place.</summary>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string temporary = TemporaryBeside(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static string TemporaryBeside(string path)
    {
        string full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>The full path with every symbolic link (of the file and of its folders) followed.</summary>
    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } linked) full = linked.FullName;
            string? folder = Path.GetDirectoryName(full);
            if (folder is not null && Directory.Exists(folder))
            {
                var real = new DirectoryInfo(folder);
                string resolvedFolder = real.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? ResolveFolder(real);
                full = Path.Combine(resolvedFolder, Path.GetFileName(full));
            }
        }
        catch (IOException) { }
        return full;
    }

    private static string ResolveFolder(DirectoryInfo folder)
    {
        if (folder.Parent is null) return folder.FullName;
        string parent = folder.Parent.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? ResolveFolder(folder.Parent);
        return Path.Combine(parent, folder.Name);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
