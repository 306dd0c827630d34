namespace Microsoft.ML.Byol.Cli;

/// <summary>The image files a command works on: a folder (searched recursively) or a list file.</summary>
internal static class ImageFiles
{
    /// <summary>File extensions ML.NET's <c>LoadImages</c> (SkiaSharp) decodes.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".ico", ".wbmp",
    };

    /// <summary>
    /// The image files under <paramref name="folder"/> and its sub-folders (hidden ones skipped), by extension, as
    /// full paths in ordinal order (the same order on every run).
    /// </summary>
    /// <exception cref="CliException">The folder does not exist or holds no image file.</exception>
    public static List<string> InFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new CliException(File.Exists(folder)
                ? $"'{folder}' is a file, not a folder of images."
                : $"The image folder '{folder}' does not exist.");
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        };
        var files = Directory.EnumerateFiles(folder, "*", options)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Select(Path.GetFullPath)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
            throw new CliException($"The folder '{folder}' holds no image files ({string.Join(" ", Extensions)}; sub-folders searched too).");
        return files;
    }

    /// <summary>
    /// The paths listed in <paramref name="listFile"/>, one a line (blank lines and lines starting with # skipped),
    /// relative ones taken from the list file's folder, as full paths; and how many there are. The paths are read
    /// lazily (a list of millions is not held in memory); the count is a first pass over the file.
    /// </summary>
    /// <exception cref="CliException">The list file does not exist or lists nothing.</exception>
    public static (IEnumerable<string> Paths, long Count) FromList(string listFile)
    {
        if (!File.Exists(listFile))
            throw new CliException($"The list file '{listFile}' does not exist.");
        string baseFolder = Path.GetDirectoryName(Path.GetFullPath(listFile))!;
        IEnumerable<string> Read() => File.ReadLines(listFile)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => Path.GetFullPath(l, baseFolder));
        long count = Read().LongCount();
        if (count == 0)
            throw new CliException($"The list file '{listFile}' lists no image paths (one path a line).");
        return (Read(), count);
    }
}
