using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// One BYOL run within <c>ByolOptions.TimeBudget</c> (the library plans the steps), with the kNN monitor on, keeping
/// a checkpoint every few steps; afterwards the final encoder and evenly spaced checkpoints (exported with
/// <c>ExportCheckpointOnnx</c>) go through the probes, giving the accuracy-over-time curve. The benchmark also stops a
/// run that overruns its budget by a quarter (at least 2 minutes) through the cancellation token, and then scores
/// the newest checkpoint, so that a library that ignored the budget could not hang the benchmark; it says so.
/// </summary>
internal sealed class ByolRun(string key, MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test)
{
    public sealed record CurvePoint(long Step, double Minutes, FeatureProbe.Scores Scores);

    public sealed record Outcome(
        FeatureProbe.Scores Final, long Steps, long PlannedSteps, double TrainMinutes, double FitMinutes, bool HardStopped, string Encoder,
        IReadOnlyList<CurvePoint> Curve, IReadOnlyList<(double Minutes, long Step, double Loss)> Loss,
        IReadOnlyList<(double Minutes, long Step, double Accuracy)> Monitor, double ImagesPerSecond);

    public Outcome Run(ByolOptions options, IDataView images, string work, CurvePoint? start)
    {
        var loss = new List<(double, long, double)>();
        var monitor = new List<(double, long, double)>();
        long planned = 0, lastStep = 0;
        double imagesPerSecond = 0;
        // A fixed step count (options.MaxSteps, no budget) is never stopped by the benchmark.
        var budget = options.TimeBudget;
        var slack = TimeSpan.FromMinutes(Math.Max(2, (budget?.TotalMinutes ?? 0) / 4));
        using var hardStop = budget is { } b
            ? new CancellationTokenSource(b * 2 + TimeSpan.FromMinutes(15)) // until the first step: data cache, calibration
            : new CancellationTokenSource();
        bool first = true;
        options.CheckpointDirectory = Path.Combine(work, key, "checkpoints");
        options.CheckpointEverySteps = settings.CheckpointEverySteps;
        options.CheckpointsToKeep = 100_000;
        options.CancellationToken = hardStop.Token;
        options.Progress = new Reports(p =>
        {
            if (first)
            {
                first = false;
                if (budget is { } b)
                    hardStop.CancelAfter(b + slack);
            }
            double minutes = p.Elapsed.TotalMinutes;
            loss.Add((minutes, p.Step, p.Loss));
            (planned, lastStep, imagesPerSecond) = (p.TotalSteps, p.Step, p.ImagesPerSecond);
            if (p.MonitorAccuracy is { } accuracy)
                monitor.Add((minutes, p.Step, accuracy));
            if (p.Step % 100 == 0 || p.Step == p.TotalSteps || p.MonitorAccuracy is not null || p.CollapseSuspected)
                Console.WriteLine($"    {p}");
        });

        var estimator = ml.Transforms.ByolPretrain(options);
        var fit = Stopwatch.StartNew();
        ByolTransformer? model = null;
        bool hardStopped = false;
        try
        {
            model = estimator.Fit(images);
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            hardStopped = true;
            Console.WriteLine($"  ({key}) stopped by the benchmark after step {lastStep} of {planned}: the run overran its {budget?.TotalMinutes:F1}-minute budget " +
                              $"by {slack.TotalMinutes:F1} min (is ByolOptions.TimeBudget implemented in this build?). Scoring the newest checkpoint.");
        }
        double fitMinutes = fit.Elapsed.TotalMinutes;
        var checkpoints = estimator.GetCheckpoints().OrderBy(c => c.Step).ToList();
        string final = Path.Combine(work, key, "final.onnx");
        if (model is not null)
        {
            using (model)
                model.ExportOnnx(final);
        }
        else if (checkpoints.Count > 0)
            estimator.ExportCheckpointOnnx(checkpoints[^1].Path, final);
        else
            throw new NotSupportedException($"({key}) was stopped before its first checkpoint; nothing to score.");

        double MinutesAt(long step) => loss.Where(p => p.Item2 <= step).Select(p => p.Item1).DefaultIfEmpty(0).Max();
        long finalStep = model is not null ? lastStep : checkpoints[^1].Step;
        var curve = new List<CurvePoint>();
        if (start is not null)
            curve.Add(start);
        foreach (var checkpoint in Spaced(checkpoints.Where(c => c.Step < finalStep).ToList(), settings.CurvePoints - 1))
        {
            string onnx = Path.Combine(work, key, $"step{checkpoint.Step}.onnx");
            estimator.ExportCheckpointOnnx(checkpoint.Path, onnx);
            curve.Add(new CurvePoint(checkpoint.Step, MinutesAt(checkpoint.Step), Score($"checkpoint at step {checkpoint.Step}", onnx)));
            File.Delete(onnx);
        }
        var finalScores = Score($"final encoder (step {finalStep})", final);
        curve.Add(new CurvePoint(finalStep, MinutesAt(finalStep), finalScores));
        string encoder = ByolEncoderInfo.FromOnnx(final).ToString();
        return new Outcome(finalScores, finalStep, planned, MinutesAt(finalStep), fitMinutes, hardStopped, encoder, curve, loss, monitor, imagesPerSecond);
    }

    private FeatureProbe.Scores Score(string name, string onnx)
    {
        var clock = Stopwatch.StartNew();
        var (trainFeatures, testFeatures) = EncoderFeatures.Embed(onnx, train, test);
        var scores = FeatureProbe.Evaluate(ml, trainFeatures, train, testFeatures, test);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {name,-34} linear probe {scores.LinearProbe:P2}   kNN {scores.Knn:P2}   ({clock.Elapsed.TotalSeconds:F0} s)"));
        return scores;
    }

    /// <summary>At most <paramref name="count"/> items, evenly spaced, the last one included.</summary>
    private static IEnumerable<T> Spaced<T>(IReadOnlyList<T> items, int count)
    {
        if (count <= 0 || items.Count == 0)
            return Array.Empty<T>();
        if (items.Count <= count)
            return items;
        return Enumerable.Range(1, count).Select(i => items[(int)Math.Round(i * items.Count / (double)count) - 1]).Distinct();
    }

    private sealed class Reports(Action<ByolProgress> report) : IProgress<ByolProgress>
    {
        public void Report(ByolProgress value) => report(value);
    }
}
