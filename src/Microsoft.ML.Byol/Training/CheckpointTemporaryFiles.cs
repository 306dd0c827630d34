using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The temporary files a checkpoint is written to before it is renamed: <c>.{file name}.{32 hex digits}.tmp</c> in the
/// checkpoint's folder. One that is still there when a run starts was left by a process killed while writing.
/// </summary>
internal static partial class CheckpointTemporaryFiles
{
    /// <summary>A fresh temporary path for the checkpoint <paramref name="path"/>.</summary>
    public static string PathFor(string path)
        => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes the temporary files of checkpoints named <c>{prefix}*{extension}</c> in <paramref name="directory"/>;
    /// returns each deleted file with its size. Only one run may use a checkpoint folder at a time.
    /// </summary>
    public static IReadOnlyList<(string Path, long Bytes)> RemoveStale(string directory, string prefix, string extension)
    {
        if (!Directory.Exists(directory))
            return Array.Empty<(string, long)>();
        var removed = new List<(string, long)>();
        foreach (var file in Directory.EnumerateFiles(directory, "." + prefix + "*" + extension + ".*.tmp"))
        {
            if (!Pattern().IsMatch(Path.GetFileName(file)))
                continue;
            long bytes = new FileInfo(file).Length;
            File.Delete(file);
            removed.Add((file, bytes));
        }
        return removed;
    }

    [GeneratedRegex(@"^\..+\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex Pattern();
}
