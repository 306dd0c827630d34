using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ByolBenchmarks;

/// <summary>Runs one benchmark child process and reads the JSON line it prints last.</summary>
internal static class ChildRun
{
    /// <summary>The per-configuration arguments both children understand.</summary>
    public static IEnumerable<string> CommonArguments(Configuration c, int steps, int warmup, int threads)
        => new[]
        {
            "--width", c.Width.ToString(CultureInfo.InvariantCulture), "--size", c.Size.ToString(CultureInfo.InvariantCulture),
            "--batch", c.Batch.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--warmup", warmup.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture),
            "--hidden", c.Hidden.ToString(CultureInfo.InvariantCulture), "--projection", c.Projection.ToString(CultureInfo.InvariantCulture),
        };

    /// <summary>Starts <paramref name="program"/>, waits for it, and returns the last stdout line that parses as a JSON object.</summary>
    /// <exception cref="InvalidOperationException">The child failed or printed no JSON object.</exception>
    public static JsonObject Run(string program, IEnumerable<string> arguments, string workingDirectory, Allocator allocator)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        allocator.Apply(start.Environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string errors = stderr.GetAwaiter().GetResult();
        var json = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (process.ExitCode != 0 || json is null || JsonNode.Parse(json) is not JsonObject result)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode} and no JSON result.\n" +
                $"stdout:\n{Tail(stdout)}\nstderr:\n{Tail(errors)}");
        }

        return result;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "..." + text[^4000..];
}
