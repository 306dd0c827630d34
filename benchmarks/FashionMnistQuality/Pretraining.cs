using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// BYOL through the public API within a time budget: a short calibration run measures the step time on this
/// machine, the step count is set so the whole pretraining fits the budget (the cosine schedules then run their full
/// course), and the real run keeps evenly spaced checkpoints for the accuracy-over-time curve.
/// </summary>
internal sealed class Pretraining(QualitySettings settings, MLContext ml, IDataView images, int imageCount)
{
    private const int CalibrationSteps = 30;
    private const int CalibrationWarmup = 10;

    /// <summary>Loss per step: (seconds since training started, step, loss).</summary>
    public List<(double Seconds, long Step, double Loss)> LossCurve { get; } = new();

    public ByolOptions Options(long steps, string? checkpoints, int everySteps, IProgress<ByolProgress>? progress)
    {
        var (view1, view2) = settings.Views();
        long stepsPerEpoch = imageCount / settings.BatchSize;
        int epochs = (int)Math.Max(1, (steps + stepsPerEpoch - 1) / stepsPerEpoch);
        return new ByolOptions
        {
            InputColumnName = "Image",
            Architecture = settings.Architecture,
            WidthMultiplier = settings.Width,
            ImageSize = settings.ImageSize,
            ProjectorHiddenSize = settings.HiddenSize,
            PredictorHiddenSize = settings.HiddenSize,
            ProjectionSize = settings.ProjectionSize,
            BatchSize = settings.BatchSize,
            Epochs = epochs,
            MaxSteps = steps,
            WarmupEpochs = epochs / 10.0,
            BaseLearningRate = settings.LearningRate,
            TrustCoefficient = settings.TrustCoefficient,
            TauBase = 0.99,
            View1 = view1,
            View2 = view2,
            Device = "cpu",
            NumberOfThreads = settings.Threads,
            Seed = settings.Seed,
            CheckpointDirectory = checkpoints,
            CheckpointEverySteps = everySteps,
            CheckpointsToKeep = settings.CurvePoints + 2,
            Progress = progress,
        };
    }

    /// <summary>Seconds per step on this machine now, and the seconds Fit spends besides the steps (cache, export).</summary>
    public (double SecondsPerStep, double OverheadSeconds) Calibrate()
    {
        TimeSpan start = TimeSpan.Zero, end = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var options = Options(CalibrationSteps, null, int.MaxValue, new Reports(p =>
        {
            if (p.Step == CalibrationWarmup) start = p.Elapsed;
            if (p.Step == CalibrationSteps) end = p.Elapsed;
        }));
        using (ml.Transforms.ByolPretrain(options).Fit(images)) { }
        double perStep = (end - start).TotalSeconds / (CalibrationSteps - CalibrationWarmup);
        double overhead = Math.Max(0, clock.Elapsed.TotalSeconds - end.TotalSeconds);
        return (perStep, overhead);
    }

    /// <summary>Trains for <paramref name="steps"/> steps, keeping about <c>CurvePoints</c> checkpoints.</summary>
    public (ByolEstimator Estimator, ByolTransformer Model, TimeSpan Elapsed) Run(long steps, string checkpoints)
    {
        int every = (int)Math.Max(1, (steps + settings.CurvePoints - 1) / settings.CurvePoints); // the last kept one is the final model
        var options = Options(steps, checkpoints, every, new Reports(p =>
        {
            LossCurve.Add((p.Elapsed.TotalSeconds, p.Step, p.Loss));
            if (p.Step % 100 == 0 || p.Step == p.TotalSteps)
                Console.WriteLine($"  {p}");
        }));
        var estimator = ml.Transforms.ByolPretrain(options);
        var clock = Stopwatch.StartNew();
        var model = estimator.Fit(images);
        return (estimator, model, clock.Elapsed);
    }

    /// <summary>The untrained encoder with the same architecture (<c>MaxSteps = 0</c>).</summary>
    public ByolTransformer Untrained() => ml.Transforms.ByolPretrain(Options(0, null, int.MaxValue, null)).Fit(images);

    private sealed class Reports(Action<ByolProgress> report) : IProgress<ByolProgress>
    {
        public void Report(ByolProgress value) => report(value);
    }
}
