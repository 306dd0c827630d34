using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Recipes;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Resolves the <see cref="RunConfiguration"/> of a run: the encoder (from the options or the initial encoder's
/// file), the step count (epochs, MaxSteps, and the time budget through a short calibration), then the recipe's
/// choices for that run length. Every chosen value is logged.
/// </summary>
internal static class RunPlanner
{
    /// <summary>Plans the run over <paramref name="store"/>, cached from an image column when
    /// <paramref name="imageColumn"/> (else from pixel vectors, which are embedded at the training size); a time budget
    /// is calibrated with <paramref name="threads"/> (null: chosen by the calibration), which should be the run's own.</summary>
    public static RunConfiguration Plan(ByolOptions options, ImageStore store, ImportedEncoder? initial, int seed,
        KnnMonitor? monitor, Action<string> log, ThreadChoice? threads = null, bool imageColumn = false)
    {
        var encoder = ByolRecipe.Encoder(options, initial);
        (RunConfiguration Run, IReadOnlyList<string> Choices) PlanAt(long? budgetSteps)
        {
            var (resolved, choices) = Resolve(options, store.Count, encoder, seed, initial is not null, budgetSteps);
            var embedding = ByolRecipe.EmbeddingImageSize(options, imageColumn, resolved);
            return (resolved with { EmbeddingImageSize = embedding.Size }, choices.Append(embedding.Log).ToList());
        }
        var (run, choices) = PlanAt(budgetSteps: null);
        int? evaluations = null;
        RunConfiguration? resumed = null;
        if (options.TimeBudget is { } budget && run.Plan.TotalSteps > 0)
        {
            resumed = RunOfCheckpoints(options, steps => PlanAt(steps).Run, log);
            TimeBudgetCalibration.Fit fit;
            if (resumed is not null)
            {
                fit = new TimeBudgetCalibration.Fit(resumed.Plan.TotalSteps, 0);
            }
            else
            {
                // The recipe follows the run's length and the length follows the cost of a step: time the run as
                // planned so far, re-plan over the steps that fit, and time again while the re-planned step costs
                // something else (another batch size or head widths), so the budget is fitted to the run that trains.
                var timed = run;
                fit = TimeBudgetCalibration.StepsWithin(budget, timed, options, store, initial, monitor, log, threads);
                for (int i = 1; i < MaxCalibrations; i++)
                {
                    var replanned = PlanAt(fit.Steps).Run;
                    if (SameStepCost(replanned, timed))
                        break;
                    timed = replanned;
                    fit = TimeBudgetCalibration.StepsWithin(budget, timed, options, store, initial, monitor, log, threads);
                }
            }
            (run, choices) = PlanAt(fit.Steps);
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

    /// <summary>Most calibrations of one run (a run whose recipe flips at a boundary keeps the last).</summary>
    public const int MaxCalibrations = 3;

    /// <summary>Two runs whose steps cost the same time: same encoder, batch size and head widths (the views follow
    /// the image size, not the run's length).</summary>
    internal static bool SameStepCost(RunConfiguration a, RunConfiguration b) =>
        a.Encoder == b.Encoder && a.Plan.BatchSize == b.Plan.BatchSize &&
        (a.ProjectorHiddenSize, a.ProjectionSize, a.PredictorHiddenSize) == (b.ProjectorHiddenSize, b.ProjectionSize, b.PredictorHiddenSize);

    private static (RunConfiguration Run, IReadOnlyList<string> Choices) Resolve(ByolOptions options, int images,
        EncoderConfiguration encoder, int seed, bool pretrained, long? budgetSteps)
    {
        // The recipe's name needs the run's length, which needs a batch size: the set one, else the paper's (capped by
        // the data); the recipe's own batch is never larger, so it only shortens a run counted in steps.
        int lengthBatch = options.BatchSizeIfSet ?? Math.Clamp(images, 1, ByolRecipe.DefaultBatchSize);
        int batch = ByolRecipe.ChooseBatchSize(options, TrainingPlan.For(options, images, baseLearningRate: 1, budgetSteps, lengthBatch).Epochs, pretrained, images);
        double epochs = TrainingPlan.For(options, images, baseLearningRate: 1, budgetSteps, batch).Epochs;
        var choice = ByolRecipe.Choose(options, epochs, pretrained, batch, encoder.Layout().EmbeddingSize);
        var plan = TrainingPlan.For(options, images, choice.BaseLearningRate, budgetSteps, choice.BatchSize);
        var run = new RunConfiguration
        {
            Encoder = encoder,
            ProjectorHiddenSize = choice.ProjectorHiddenSize,
            ProjectionSize = choice.ProjectionSize,
            PredictorHiddenSize = choice.PredictorHiddenSize,
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
            RecalibrateEncoderBatchNorm = options.RecalibrateEncoderBatchNorm,
            MonitorEverySteps = 0,
            Seed = seed,
            Recipe = choice.Name,
        };
        return (run, choice.Log);
    }

    /// <summary>
    /// With a time budget, a run that resumes keeps the step count its checkpoints were planned with (a new
    /// calibration would plan another run, which could not resume). The newest checkpoint that verifies decides, as
    /// in the resume itself (which logs the damaged ones it skips). It is resumed when these options, planned at its
    /// step count (<paramref name="planAt"/>; the recipe depends on the run's length), give the same run.
    /// </summary>
    private static RunConfiguration? RunOfCheckpoints(ByolOptions options, Func<long, RunConfiguration> planAt, Action<string> log)
    {
        if (options.CheckpointDirectory is not { } directory)
            return null;
        foreach (var (_, path) in CheckpointStore.ListFiles(directory))
        {
            try
            {
                var saved = RunConfiguration.FromJson(CheckpointFile.ReadMetadata(path).RunFingerprint, path);
                var candidate = planAt(saved.Plan.TotalSteps) with { MonitorEverySteps = saved.MonitorEverySteps };
                if (candidate.ToJson() != saved.ToJson())
                    return null;
                log($"BYOL: time budget: resuming the run planned at {saved.Plan.TotalSteps} steps ({path}); no new calibration.");
                return saved;
            }
            catch (InvalidDataException)
            {
                // Damaged: an older checkpoint may still be good.
            }
        }
        return null;
    }
}
