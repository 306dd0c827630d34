using Microsoft.ML.Byol.Optim;

namespace Microsoft.ML.Byol.Training;

/// <summary>The numbers of a run: steps per epoch, total steps, warm-up steps, peak learning rate.</summary>
internal sealed record TrainingPlan(int ImageCount, int BatchSize, long StepsPerEpoch, long TotalSteps, long WarmupSteps, double PeakLearningRate)
{
    /// <summary>
    /// Plans a run over <paramref name="imageCount"/> images: ⌊N / B⌋ steps an epoch (drop-last), Epochs × that in
    /// all unless <see cref="ByolOptions.MaxSteps"/> is smaller; warm-up is the same fraction of the run as
    /// WarmupEpochs is of Epochs.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer images than one batch (unless MaxSteps is 0).</exception>
    public static TrainingPlan For(ByolOptions options, int imageCount)
    {
        double peak = LearningRateSchedule.PeakLearningRate(options.BaseLearningRate, options.BatchSize);
        if (options.MaxSteps == 0)
            return new TrainingPlan(imageCount, options.BatchSize, Math.Max(1, imageCount / options.BatchSize), 0, 0, peak);
        if (imageCount < options.BatchSize)
            throw new ArgumentException(
                $"BYOL needs at least one full batch: the data has {imageCount} image(s) and ByolOptions.BatchSize is {options.BatchSize}.",
                nameof(imageCount));
        long stepsPerEpoch = imageCount / options.BatchSize;
        long scheduled = stepsPerEpoch * options.Epochs;
        long total = options.MaxSteps is { } max ? Math.Min(max, scheduled) : scheduled;
        double warmupFraction = Math.Min(1.0, options.WarmupEpochs / options.Epochs);
        long warmup = (long)Math.Round(warmupFraction * total);
        return new TrainingPlan(imageCount, options.BatchSize, stepsPerEpoch, total, warmup, peak);
    }

    /// <summary>Learning rate of step <paramref name="step"/> (0-based).</summary>
    public double LearningRateAt(long step) => LearningRateSchedule.At(step, TotalSteps, WarmupSteps, PeakLearningRate);
}
