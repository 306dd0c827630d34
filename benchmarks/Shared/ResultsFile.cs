using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ByolBenchmarks;

/// <summary>
/// <c>benchmarks/results/latest.json</c>, shared by several benchmarks: each replaces only its own top-level section
/// (plus <c>machine</c> and <c>date</c>) and keeps whatever the others wrote. Linked into each benchmark project with
/// <c>&lt;Compile Include="../Shared/ResultsFile.cs" /&gt;</c>.
/// </summary>
public static class ResultsFile
{
    private const string SolutionFile = "Microsoft.ML.Byol.sln";

    /// <summary>The repository root: the first folder holding Microsoft.ML.Byol.sln above the current directory or the app.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                    return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'.");
    }

    /// <summary><c>benchmarks/results</c>, created if needed (CSV and PNG files go beside latest.json).</summary>
    public static string ResultsFolder()
    {
        string folder = Path.Combine(RepositoryRoot(), "benchmarks", "results");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Full path of <c>benchmarks/results/latest.json</c>.</summary>
    public static string LatestPath => Path.Combine(RepositoryRoot(), "benchmarks", "results", "latest.json");

    /// <summary>
    /// Sets <paramref name="section"/> to <paramref name="value"/>, and <c>machine</c> and <c>date</c> to this machine and
    /// now, keeping every other key of the existing file; writes it back indented (through a temporary file, under a
    /// lock file so that two benchmarks finishing together do not lose each other's section).
    /// </summary>
    /// <returns>The path written.</returns>
    public static string Update(string section, JsonNode value)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        ArgumentNullException.ThrowIfNull(value);
        string path = LatestPath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gate = AcquireLock(path + ".lock");
        var root = File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject existing ? existing : new JsonObject();
        root[section] = value;
        root["machine"] = Machine();
        root["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>CPU model (from /proc/cpuinfo where there is one), logical cores, OS and .NET runtime.</summary>
    public static JsonObject Machine()
    {
        string cpu = "unknown";
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
                cpu = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }

        return new JsonObject
        {
            ["cpu"] = cpu,
            ["cores"] = Environment.ProcessorCount,
            ["os"] = OsName(),
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        };
    }

    private static string OsName()
    {
        const string kernel = "/proc/sys/kernel/osrelease";
        return File.Exists(kernel) ? $"{RuntimeInformation.OSDescription}, kernel {File.ReadAllText(kernel).Trim()}" : RuntimeInformation.OSDescription;
    }

    private static FileStream AcquireLock(string lockPath)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); // left in place: deleting it would race
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }
}
