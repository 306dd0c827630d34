using System.Globalization;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// kill -9 during training: a child process is killed at seeded random moments and while a checkpoint is being
/// written, then restarted until its run completes; no damaged file is ever left under a checkpoint's name, the
/// temporary file of an interrupted write is removed by the next start, and the final networks equal those of an
/// uninterrupted run.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class KillDuringTrainingTests : IDisposable
{
    private const int Steps = 60, Every = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("byol-kill-", create: false);

    public KillDuringTrainingTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task KilledRunsResumeToTheSameNetworksAsAnUninterruptedRun()
    {
        string straight = Path.Combine(_folder.Path, "straight"), killed = Path.Combine(_folder.Path, "killed");
        Directory.CreateDirectory(killed);
        using (var child = FaultChildProcess.Start(straight, Steps, Every))
            child.WaitForExit(Timeout).Should().Be(0, string.Join("\n", child.Lines));

        var random = new Random(1414);
        string? leftBehind = null;   // the temporary file of a write the last kill interrupted
        int killsWhileWriting = 0, randomKills = 0;
        for (int attempt = 0; attempt < 12 && !(killsWhileWriting >= 1 && randomKills >= 3); attempt++)
        {
            bool whileWriting = killsWhileWriting == 0;
            // Any file created in the folder: a checkpoint write starting (renames and deletions are other events).
            using var watcher = new FileSystemWatcher(killed) { NotifyFilter = NotifyFilters.FileName };
            using var child = FaultChildProcess.Start(killed, Steps, Every);
            if (whileWriting)
            {
                watcher.Created += (_, _) => child.Kill();
                watcher.EnableRaisingEvents = true;
            }
            else
            {
                // A random step before the end, not a random time: on a fast machine a delay can outlast the run,
                // and a finished run cannot be killed again (the next attempt would wait for a step that never comes).
                await child.FirstStep.WaitAsync(Timeout);
                int low = Math.Min(LastStep(child.Lines) + 1, Steps - 2);
                await WaitForStep(child, random.Next(low, Math.Max(low + 1, Steps - 8)));
                child.Kill();
            }
            child.WaitForExit(Timeout);
            watcher.EnableRaisingEvents = false;
            var lines = child.Lines;
            string steps = lines.LastOrDefault(l => l.StartsWith("step ", StringComparison.Ordinal)) ?? "no step";
            _output.WriteLine($"attempt {attempt} ({(whileWriting ? "kill when a file appears" : "random kill")}): killed after {steps}" +
                $"{(lines.Contains("done") ? " (had finished)" : "")}; {lines.FirstOrDefault(l => l.Contains("resumed from", StringComparison.Ordinal)) ?? "no resume"}");

            if (leftBehind is not null)
                lines.Should().Contain(l => l.Contains("removed", StringComparison.Ordinal) && l.Contains(leftBehind, StringComparison.Ordinal),
                    "the next start removes the temporary file of the interrupted write");
            var temporaries = Directory.GetFiles(killed, "*.tmp");
            temporaries.Length.Should().BeLessThanOrEqualTo(1);
            leftBehind = temporaries.SingleOrDefault();
            if (leftBehind is not null)
                _output.WriteLine($"  left behind: {Path.GetFileName(leftBehind)} ({new FileInfo(leftBehind).Length} bytes)");
            foreach (var checkpoint in Directory.GetFiles(killed, "*.ckpt"))
                FluentActions.Invoking(() => CheckpointFile.ReadMetadata(checkpoint)).Should().NotThrow("a kill never leaves a damaged checkpoint");
            if (whileWriting && leftBehind is not null)
                killsWhileWriting++;
            else if (!whileWriting)
                randomKills++;
        }
        killsWhileWriting.Should().BeGreaterThanOrEqualTo(1, "one kill must have hit a checkpoint write");
        randomKills.Should().Be(3);

        using (var child = FaultChildProcess.Start(killed, Steps, Every))
        {
            child.WaitForExit(Timeout).Should().Be(0, string.Join("\n", child.Lines));
            if (leftBehind is not null)
                child.Lines.Should().Contain(l => l.Contains("removed", StringComparison.Ordinal) && l.Contains(leftBehind, StringComparison.Ordinal));
        }
        Directory.GetFiles(killed, "*.tmp").Should().BeEmpty();

        CompareFinalCheckpoints(straight, killed);
    }

    private static int LastStep(IReadOnlyList<string> lines) =>
        lines.Where(l => l.StartsWith("step ", StringComparison.Ordinal)).Select(l => int.Parse(l.AsSpan(5), CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    private static async Task WaitForStep(FaultChildProcess child, int step)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (LastStep(child.Lines) < step && !child.HasExited && clock.Elapsed < Timeout)
            await Task.Delay(5);
    }

    private void CompareFinalCheckpoints(string straight, string killed)
    {
        string final = $"byol-step-{Steps:D9}.ckpt";
        var (expectedMetadata, expected) = CheckpointFile.Read(Path.Combine(straight, final));
        var (actualMetadata, actual) = CheckpointFile.Read(Path.Combine(killed, final));
        try
        {
            actualMetadata.LastLoss.Should().Be(expectedMetadata.LastLoss);
            var networks = expected.Keys.Where(k => k.StartsWith("network.", StringComparison.Ordinal)).ToList();
            networks.Should().Contain(k => k.StartsWith("network.online_encoder.", StringComparison.Ordinal));
            actual.Keys.Should().BeEquivalentTo(expected.Keys);
            double worst = 0;
            foreach (var name in networks)
            {
                using var scope = torch.NewDisposeScope();
                var difference = (actual[name].to_type(torch.ScalarType.Float64) - expected[name].to_type(torch.ScalarType.Float64)).abs().max();
                worst = Math.Max(worst, difference.item<double>());
            }
            _output.WriteLine($"largest difference over {networks.Count} network tensors: {worst:G3}");
            worst.Should().BeLessThanOrEqualTo(1e-6);
        }
        finally
        {
            foreach (var t in expected.Values.Concat(actual.Values))
                t.Dispose();
        }
    }
}
