using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Recipes;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Resolves the <see cref="RunConfiguration"/> of a run: the encoder (from the options or the initial encoder's
/// file), the step count (epochs, MaxSteps, and the time budget through a short calibration), then the recipe's
/// choices for that run length. Every chosen value is logged.
/// </summary>
internal static class RunPlanner
{
    /// <summary>Plans the run over <paramref name="store"/>.</summary>
    public static RunConfiguration Plan(ByolOptions options, ImageStore store, ImportedEncoder? initial, int seed,
        KnnMonitor? monitor, Action<string> log)
    {
        var encoder = ByolRecipe.Encoder(options, initial);
        var (run, choices) = Resolve(options, store.Count, encoder, seed, initial is not null, budgetSteps: null);
        int? evaluations = null;
        RunConfiguration? resumed = null;
        if (options.TimeBudget is { } budget && run.Plan.TotalSteps > 0)
        {
            resumed = RunOfCheckpoints(options, run, log);
            var fit = resumed is not null
                ? new TimeBudgetCalibration.Fit(resumed.Plan.TotalSteps, 0)
                : TimeBudgetCalibration.StepsWithin(budget, run, options, store, initial, monitor, log);
            (run, choices) = Resolve(options, store.Count, encoder, seed, initial is not null, fit.Steps);
            evaluations = fit.MonitorEvaluations;
        }
        long total = run.Plan.TotalSteps;
        int during = evaluations is > 0 ? evaluations.Value : 10;
        long monitorEvery = monitor is null ? 0
            : resumed?.MonitorEverySteps ?? options.MonitorEverySteps ?? Math.Max(1, (total + during - 1) / during);
        run = run with { MonitorEverySteps = monitorEvery };
        foreach (var line in choices)
            log("BYOL recipe: " + line);
        if (monitor is not null)
            log($"BYOL: kNN monitor every {monitorEvery} steps ({monitor.QuerySize} held-out images, bank {monitor.BankSize}).");
        return run;
    }

    private static (RunConfiguration Run, IReadOnlyList<string> Choices) Resolve(ByolOptions options, int images,
        EncoderConfiguration encoder, int seed, bool pretrained, long? budgetSteps)
    {
        double epochs = TrainingPlan.For(options, images, baseLearningRate: 1, budgetSteps).Epochs;
        var choice = ByolRecipe.Choose(options, epochs, pretrained);
        var plan = TrainingPlan.For(options, images, choice.BaseLearningRate, budgetSteps);
        var run = new RunConfiguration
        {
            Encoder = encoder,
            ProjectorHiddenSize = options.ProjectorHiddenSize,
            ProjectionSize = options.ProjectionSize,
            PredictorHiddenSize = options.PredictorHiddenSize,
            Images = images,
            Plan = plan,
            BaseLearningRate = choice.BaseLearningRate,
            WeightDecay = choice.WeightDecay,
            TrustCoefficient = choice.TrustCoefficient,
            TauBase = choice.TauBase,
            View1 = choice.View1,
            View2 = choice.View2,
            EncoderLearningRateScale = choice.EncoderLearningRateScale,
            FrozenEncoderSteps = (long)Math.Round(choice.FrozenEncoderFraction * plan.TotalSteps),
            FreezeEncoderBatchNorm = choice.FreezeEncoderBatchNorm,
            MonitorEverySteps = 0,
            Seed = seed,
            Recipe = choice.Name,
        };
        return (run, choice.Log);
    }

    /// <summary>
    /// With a time budget, a run that resumes keeps the step count its checkpoints were planned with (a new
    /// calibration would plan another run, which could not resume).
    /// </summary>
    private static RunConfiguration? RunOfCheckpoints(ByolOptions options, RunConfiguration run, Action<string> log)
    {
        if (options.CheckpointDirectory is not { } directory || CheckpointStore.ListFiles(directory) is not { Count: > 0 } files)
            return null;
        try
        {
            var saved = RunConfiguration.FromJson(CheckpointFile.ReadMetadata(files[0].Path).RunFingerprint, files[0].Path);
            var candidate = run with { Plan = saved.Plan, FrozenEncoderSteps = saved.FrozenEncoderSteps, MonitorEverySteps = saved.MonitorEverySteps };
            if (candidate.ToJson() != saved.ToJson())
                return null;
            log($"BYOL: time budget: resuming the run planned at {saved.Plan.TotalSteps} steps ({files[0].Path}); no new calibration.");
            return saved;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
