using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ByolBenchmarks;

/// <summary>
/// <c>benchmarks/results/latest.json</c>, shared by the benchmarks: each one replaces its own section and the
/// top-level <c>machine</c> and <c>date</c>, and keeps the other sections as they are.
/// </summary>
public static class ResultsFile
{
    /// <summary>The repository root: the first folder up from the working directory (or the program) with the solution.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.Byol.sln")))
                    return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Run the benchmark from inside the repository (Microsoft.ML.Byol.sln was not found above it).");
    }

    /// <summary>The results folder, created if needed.</summary>
    public static string ResultsFolder()
    {
        string folder = Path.Combine(RepositoryRoot(), "benchmarks", "results");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Replaces <paramref name="section"/> in latest.json (and machine, date); returns the file's path.</summary>
    public static string Update(string section, JsonNode value)
    {
        string path = Path.Combine(ResultsFolder(), "latest.json");
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject() : new JsonObject();
        root[section] = value;
        root["machine"] = Machine();
        root["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    /// <summary>CPU model, logical cores, memory and OS of this machine.</summary>
    public static string Machine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        string os = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        if (File.Exists("/etc/os-release"))
        {
            os = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                ?.Split('=', 2)[1].Trim('"') ?? os;
        }
        double memoryGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(CultureInfo.InvariantCulture,
            $"{cpu}, {Environment.ProcessorCount} logical cores, {memoryGiB:F0} GiB, {os}, .NET {Environment.Version}");
    }
}
