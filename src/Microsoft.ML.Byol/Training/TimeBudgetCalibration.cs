using System.Diagnostics;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Fits a run's step count to a time budget: times a few BYOL steps of a throwaway copy of the run's network (after
/// warm-up steps, which allocate), and one kNN monitor evaluation, then plans as many steps as fit, monitor
/// evaluations included. The schedules are then laid over that many steps, so they run their full course.
/// </summary>
internal static class TimeBudgetCalibration
{
    public const int WarmupSteps = 2;
    public const int TimedSteps = 5;

    /// <summary>Steps that fit <paramref name="budget"/> (at least 1).</summary>
    public static long StepsWithin(TimeSpan budget, RunConfiguration run, ByolOptions options, ImageStore store,
        ImportedEncoder? initial, KnnMonitor? monitor, Action<string> log)
    {
        var clock = Stopwatch.StartNew();
        var device = TorchRuntime.Prepare(options, run.Seed, _ => { });
        using var network = ByolStep.CreateNetwork(run, initial, device);
        network.TrainMode(run.FreezeEncoderBatchNorm);
        using var optimizer = new Lars(ByolStep.Parameters(network, run), weightDecay: run.WeightDecay, trustCoefficient: run.TrustCoefficient);
        using var generator = new torch.Generator((ulong)run.Seed + 1);
        var step = new ByolStep(network, optimizer, run, device);
        var random = new Random(run.Seed);
        var indices = new long[run.Plan.BatchSize];

        double monitorSeconds = 0;
        if (monitor is not null)
        {
            var watch = Stopwatch.StartNew();
            monitor.Evaluate(network.OnlineEncoder, device);
            monitorSeconds = watch.Elapsed.TotalSeconds;
            network.TrainMode(run.FreezeEncoderBatchNorm);
        }
        var timed = new Stopwatch();
        for (int i = 0; i < WarmupSteps + TimedSteps; i++)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            if (i == WarmupSteps)
                timed.Start();
            for (int j = 0; j < indices.Length; j++)
                indices[j] = random.Next(store.Count);
            using var pixels = store.Gather(indices);
            step.Run(pixels, run.LearningRateAt(run.Plan.WarmupSteps), run.TauBase, generator);
        }
        double perStep = timed.Elapsed.TotalSeconds / TimedSteps;

        double seconds = budget.TotalSeconds;
        long steps = Math.Max(1, (long)(seconds / perStep));
        if (monitor is not null)
        {
            // Monitor evaluations: one at the start, then every MonitorPeriod(steps) steps.
            for (int i = 0; i < 3; i++)
            {
                long evaluations = 1 + steps / ByolTrainer.MonitorPeriod(options, steps);
                steps = Math.Max(1, (long)((seconds - evaluations * monitorSeconds) / perStep));
            }
        }
        log($"BYOL: time budget {budget}: {perStep:F3} s/step measured over {TimedSteps} steps" +
            $"{(monitor is not null ? $", {monitorSeconds:F1} s per monitor evaluation" : "")} → {steps} steps " +
            $"(calibration took {clock.Elapsed.TotalSeconds:F1} s).");
        return steps;
    }
}
