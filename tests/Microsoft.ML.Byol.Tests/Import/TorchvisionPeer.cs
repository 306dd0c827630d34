using System.Diagnostics;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>
/// Runs torchvision_peer.py under Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14; not the
/// python3 first on PATH; BYOL_PEER_PYTHON overrides it). Tests call <see cref="SkipUnlessAvailable"/> so a machine
/// without them reports a skip.
/// </summary>
internal static class TorchvisionPeer
{
    private static readonly string Python = Environment.GetEnvironmentVariable("BYOL_PEER_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
    private static readonly Lazy<string?> Missing = new(Probe);

    public static string Script => Path.Combine(AppContext.BaseDirectory, "Import", "torchvision_peer.py");

    public static void SkipUnlessAvailable() =>
        Skip.If(Missing.Value is not null, $"torchvision peer unavailable: {Missing.Value} (apt-get install python3-torch python3-torchvision)");

    /// <summary>Runs the script with the arguments; throws with its output when it fails.</summary>
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Script);
        foreach (string a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"torchvision_peer.py {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
        return output;
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
            return $"{Python} not found";
        var start = new ProcessStartInfo(Python, "-c \"import torch, torchvision, numpy\"") { RedirectStandardError = true, RedirectStandardOutput = true };
        using var probe = Process.Start(start)!;
        string error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0 ? null : error.Trim().Split('\n').LastOrDefault() ?? "import failed";
    }
}
