using Microsoft.ML.Byol.Optim;

namespace Microsoft.ML.Byol.Training;

/// <summary>The numbers of a run: steps per epoch, total steps, warm-up steps, peak learning rate.</summary>
internal sealed record TrainingPlan(int ImageCount, int BatchSize, long StepsPerEpoch, long TotalSteps, long WarmupSteps, double PeakLearningRate)
{
    /// <summary>Warm-up epochs when none are set: the official code's 10, but at most this fraction of the run.</summary>
    public const double MaxDefaultWarmupFraction = 0.1;

    /// <summary>
    /// Plans a run over <paramref name="imageCount"/> images: ⌊N / B⌋ steps an epoch (drop-last), Epochs × that in
    /// all unless <see cref="ByolOptions.MaxSteps"/> or the time budget's step count is smaller. A warm-up set in
    /// epochs is the same fraction of the run as it is of Epochs; with none set it is 10 epochs, at most a tenth of the run.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer images than one batch (unless MaxSteps is 0).</exception>
    public static TrainingPlan For(ByolOptions options, int imageCount, double baseLearningRate, long? budgetSteps = null, int? batchSize = null)
    {
        int batch = batchSize ?? options.BatchSize;
        double peak = LearningRateSchedule.PeakLearningRate(baseLearningRate, batch);
        if (options.MaxSteps == 0)
            return new TrainingPlan(imageCount, batch, Math.Max(1, imageCount / batch), 0, 0, peak);
        if (imageCount < batch)
            throw new ArgumentException(
                $"BYOL needs at least one full batch: the data has {imageCount} image(s) and ByolOptions.BatchSize is {batch}.",
                nameof(imageCount));
        long stepsPerEpoch = imageCount / batch;
        long total = StepCap(options, stepsPerEpoch);
        if (budgetSteps is { } budget)
            total = Math.Min(total, Math.Max(1, budget));
        long warmup = options.WarmupEpochs is { } epochs
            ? (long)Math.Round(Math.Min(1.0, epochs / options.Epochs) * total)
            : Math.Min(10 * stepsPerEpoch, (long)Math.Round(MaxDefaultWarmupFraction * total));
        return new TrainingPlan(imageCount, batch, stepsPerEpoch, total, warmup, peak);
    }

    /// <summary>The most steps the options allow, budget or not: Epochs × <paramref name="stepsPerEpoch"/>, at most MaxSteps.</summary>
    public static long StepCap(ByolOptions options, long stepsPerEpoch)
        => Math.Min(stepsPerEpoch * options.Epochs, options.MaxSteps ?? long.MaxValue);

    /// <summary>Length of the run in epochs (fractional when shortened).</summary>
    public double Epochs => StepsPerEpoch == 0 ? 0 : (double)TotalSteps / StepsPerEpoch;

    /// <summary>Learning rate of step <paramref name="step"/> (0-based; a schedule position, <see cref="BudgetPacing"/>).</summary>
    public double LearningRateAt(double step) => LearningRateSchedule.At(step, TotalSteps, WarmupSteps, PeakLearningRate);
}
