using System.Diagnostics;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Fits a run's step count to a time budget: times BYOL steps of a throwaway copy of the run's network until their
/// pace settles (<see cref="StepPace"/>), and one kNN monitor evaluation, then plans as many steps as fit, monitor
/// evaluations included (at most a tenth of the budget goes to them, and at most ten of them run during the run).
/// The schedules are then laid over that many steps, so they run their full course.
/// </summary>
internal static class TimeBudgetCalibration
{
    /// <summary>Share of the budget the calibration's steps may take beyond the few it always times.</summary>
    public const double StepShare = 0.03;

    /// <summary>Most of the budget the monitor may take.</summary>
    public const double MonitorShare = 0.1;

    /// <summary>What fits a budget: the steps (at least 1) and the monitor evaluations during the run (0 without a monitor).</summary>
    public readonly record struct Fit(long Steps, int MonitorEvaluations);

    /// <summary>What fits <paramref name="budget"/>, timed with the run's thread count <paramref name="threads"/> (null: chosen here).</summary>
    public static Fit StepsWithin(TimeSpan budget, RunConfiguration run, ByolOptions options, ImageStore store,
        ImportedEncoder? initial, KnnMonitor? monitor, Action<string> log, ThreadChoice? threads = null)
    {
        var clock = Stopwatch.StartNew();
        var device = TorchRuntime.Prepare(options, run.Seed, _ => { }, threads);
        var execution = DeviceExecutionPlan.For(device.type, options);
        TorchRuntime.Apply(execution, _ => { });
        using var network = ByolStep.CreateNetwork(run, initial, device);
        network.TrainMode(run.FreezeEncoderBatchNorm);
        using var optimizer = new Lars(ByolStep.Parameters(network, run), weightDecay: run.WeightDecay, trustCoefficient: run.TrustCoefficient);
        using var generator = new torch.Generator((ulong)run.Seed + 1);
        var step = new ByolStep(network, optimizer, run, device, kernels: StepKernels.For(run.Encoder.WidthMultiplier, device.type));
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
        var pace = new StepPace(budget * StepShare);
        var timed = new Stopwatch();
        while (!pace.Done)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            timed.Restart();
            for (int j = 0; j < indices.Length; j++)
                indices[j] = random.Next(store.Count);
            using var pixels = store.Gather(indices, execution.PinHostMemory);
            using var output = step.Run(pixels, store.ContentOf(indices), run.LearningRateAt(run.Plan.WarmupSteps), run.TauBase, generator);
            output.Read(); // waits for the device, so the timed steps are whole steps (one read per step: an upper bound)
            pace.Add(timed.Elapsed.TotalSeconds);
        }
        double perStep = pace.SecondsPerStep;

        double seconds = budget.TotalSeconds;
        int evaluations = monitor is null ? 0
            : options.MonitorEverySteps is null ? (int)Math.Clamp(Math.Floor(MonitorShare * seconds / Math.Max(monitorSeconds, 1e-3)), 1, 10)
            : -1;
        long steps = Math.Max(1, (long)((seconds - Math.Max(0, evaluations + 1) * monitorSeconds) / perStep));
        if (evaluations < 0)
        {
            // A period set by the caller: as many evaluations as it gives.
            for (int i = 0; i < 3; i++)
                steps = Math.Max(1, (long)((seconds - (1 + steps / options.MonitorEverySteps!.Value) * monitorSeconds) / perStep));
            evaluations = (int)Math.Min(int.MaxValue, steps / options.MonitorEverySteps!.Value);
        }
        log($"BYOL: time budget {budget}: batch {run.Plan.BatchSize}, heads {run.ProjectorHiddenSize} → {run.ProjectionSize}: {perStep:F3} s/step (median of the last {Math.Min(StepPace.TimedSteps, pace.Seconds.Count - StepPace.WarmupSteps)} of " +
            $"{pace.Seconds.Count} steps: {string.Join(" ", pace.Seconds.Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))} s)" +
            $"{(monitor is not null ? $", {monitorSeconds:F1} s per monitor evaluation ({evaluations} during the run, one at the start)" : "")} → {steps} steps " +
            $"(calibration took {clock.Elapsed.TotalSeconds:F1} s).");
        return new Fit(steps, evaluations);
    }
}
