namespace Microsoft.ML.Byol.Optim;

/// <summary>BYOL target EMA rate: τ_k = 1 − (1 − τ_base)·(cos(πk/K) + 1)/2, with K the run's total optimizer steps.</summary>
internal static class TauSchedule
{
    /// <summary>
    /// τ at step <paramref name="step"/> of a run of <paramref name="totalSteps"/> optimizer steps (K is the whole run,
    /// never the steps of one epoch; the step may lie between two when a time budget re-paces the run:
    /// <c>Training.BudgetPacing</c>). τ(0) = τ_base, τ(K) = 1; the step is clamped to [0, K]; K = 0 gives τ_base.
    /// </summary>
    internal static double At(double step, long totalSteps, double tauBase)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(totalSteps);
        if (!(tauBase >= 0.0 && tauBase <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(tauBase), tauBase, "τ_base must lie in [0, 1].");
        }

        if (totalSteps == 0)
        {
            return tauBase;
        }

        double progress = Math.Clamp(step, 0, totalSteps) / totalSteps;
        return 1.0 - (1.0 - tauBase) * (Math.Cos(Math.PI * progress) + 1.0) / 2.0;
    }
}
