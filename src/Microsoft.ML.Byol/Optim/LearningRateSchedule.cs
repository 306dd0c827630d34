namespace Microsoft.ML.Byol.Optim;

/// <summary>BYOL learning rate: linear warm-up from 0, then cosine decay to 0 at the last step.</summary>
internal static class LearningRateSchedule
{
    /// <summary>
    /// Learning rate at position <paramref name="step"/> (the 0-based optimizer step, or a point between steps when a
    /// time budget re-paces the run: <c>Training.BudgetPacing</c>) of a schedule of <paramref name="totalSteps"/>.
    /// During warm-up lr = peak·step/warmup; afterwards lr = peak·½·(1 + cos(π·(step − warmup)/(total − warmup))).
    /// The step is clamped to [0, total]. A warm-up longer than the run is cut to the run's length, so such a run is
    /// all warm-up; an empty run (total = 0) gives 0.
    /// </summary>
    internal static double At(double step, long totalSteps, long warmupSteps, double peakLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (!double.IsFinite(peakLearningRate) || peakLearningRate < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "The peak learning rate must be finite and non-negative.");
        }

        double k = Math.Clamp(step, 0, totalSteps);
        long warmup = Math.Min(warmupSteps, totalSteps);
        if (k < warmup)
        {
            return peakLearningRate * k / warmup;
        }

        long decaySteps = totalSteps - warmup;
        if (decaySteps == 0)
        {
            return 0.0;
        }

        double progress = (k - warmup) / decaySteps;
        return peakLearningRate * 0.5 * (1.0 + Math.Cos(Math.PI * progress));
    }

    /// <summary>The linear scaling rule: peak lr = base lr × batch size / 256.</summary>
    internal static double PeakLearningRate(double baseLearningRate, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return baseLearningRate * batchSize / 256.0;
    }
}
