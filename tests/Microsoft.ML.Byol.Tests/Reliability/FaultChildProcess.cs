using System.Diagnostics;
using System.Reflection;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// The Microsoft.ML.Byol.FaultChild program (a tiny training run with checkpoints) in a process of its own, with its
/// standard output collected line by line, so that a test can kill it (SIGKILL) at a moment of its choosing.
/// </summary>
internal sealed class FaultChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly TaskCompletionSource _firstStep = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FaultChildProcess(Process process) => _process = process;

    /// <summary>The child's dll, built through the test project's reference (path recorded at build time).</summary>
    public static string DllPath => typeof(FaultChildProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultChildPath").Value!;

    /// <summary>Starts a run of <paramref name="steps"/> steps checkpointing into <paramref name="folder"/> every <paramref name="every"/> steps.</summary>
    public static FaultChildProcess Start(string folder, int steps, int every)
    {
        File.Exists(DllPath).Should().BeTrue($"the FaultChild project is built with the tests ({DllPath})");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { DllPath, folder, steps.ToString(), every.ToString() })
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var child = new FaultChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data, error: false);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data, error: true);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Everything the child printed so far (standard error prefixed with "stderr: ").</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    /// <summary>Completes when the child reports its first training step.</summary>
    public Task FirstStep => _firstStep.Task;

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL, no chance to clean up.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    /// <summary>Waits for the child to end; returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            throw new TimeoutException($"The fault child did not end within {timeout}. Output:\n{string.Join("\n", Lines)}");
        }
        _process.WaitForExit();   // drains the output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Add(string? line, bool error)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(error ? "stderr: " + line : line);
        if (line.StartsWith("step ", StringComparison.Ordinal))
            _firstStep.TrySetResult();
    }
}
