namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Keeps a budgeted run on time while it trains. The schedules (learning rate, τ) are laid over the
/// <see cref="ScheduleSteps"/> the calibration planned; a step of the run sits at a <em>position</em> on them. Without a
/// re-plan the position is the step. At each re-plan point (every tenth of the run or of the budget) the run's
/// remaining steps are refitted to the remaining budget at the pace measured since the previous point, and the rest of
/// the schedules is stretched or shrunk over them: positions stay continuous, and the last step of the run is the last
/// position of the schedules (lr 0, τ 1). The warm-up and the fine-tuning recipe's frozen-encoder phase are positions
/// too, so they stretch or shrink with the run; the heads-only steps of that phase cost about half a full step, so
/// the trainer does not re-plan on them (its first pace window starts when the encoder starts training). A
/// calibration alone erred by about a quarter on a small network (docs/recipes.md, "Time budgets").
/// </summary>
/// <param name="ScheduleSteps">K of the schedules: the planned step count (part of the run's configuration).</param>
/// <param name="AnchorStep">The step of the latest re-plan (0: none).</param>
/// <param name="AnchorPosition">The schedules' position at <see cref="AnchorStep"/>.</param>
/// <param name="RunSteps">The steps the run makes, the last one at position <see cref="ScheduleSteps"/>.</param>
internal sealed record BudgetPacing(long ScheduleSteps, long AnchorStep, double AnchorPosition, long RunSteps)
{
    /// <summary>Re-plan points per run: one every this fraction of the run's steps.</summary>
    public const double ReplanEvery = 0.1;

    /// <summary>The steps between two re-plan points are at least this many, so the pace is a mean over several.</summary>
    public const long MinStepsBetweenReplans = 5;

    /// <summary>A run of <paramref name="scheduleSteps"/> steps on its planned schedules.</summary>
    public static BudgetPacing Planned(long scheduleSteps) => new(scheduleSteps, 0, 0, scheduleSteps);

    /// <summary>
    /// The schedules' position at run step <paramref name="step"/> (clamped to the run): on the line from the anchor to
    /// the run's end, which is the schedules' end. Only the current segment is kept: steps before the anchor, which
    /// the loop never asks for again, extend it. Without a re-plan the position is the step itself.
    /// </summary>
    public double Position(long step)
    {
        if (RunSteps == 0)
            return 0;
        long k = Math.Clamp(step, 0, RunSteps);
        if (k == RunSteps)
            return ScheduleSteps;
        double slope = (ScheduleSteps - AnchorPosition) / (RunSteps - AnchorStep);   // 1 exactly without a re-plan
        return AnchorPosition + (k - AnchorStep) * slope;
    }

    /// <summary>
    /// Whether <paramref name="done"/> steps is a re-plan point, given the pace window (the steps since the previous
    /// point, or since the step's cost last changed: <paramref name="windowSteps"/> steps in <paramref name="windowTime"/>):
    /// at least <see cref="MinStepsBetweenReplans"/> steps, and a tenth of the run's steps or a tenth of the
    /// <paramref name="budget"/>, whichever comes first (a plan ten times too long is caught as early as one ten times
    /// too short); never the run's last step.
    /// </summary>
    public bool IsReplanPoint(long done, long windowSteps, TimeSpan windowTime, TimeSpan budget) =>
        done < RunSteps && windowSteps >= MinStepsBetweenReplans &&
        (windowSteps >= ReplanEvery * RunSteps || windowTime >= ReplanEvery * budget);

    /// <summary>
    /// Refits the rest of the run at <paramref name="done"/> steps: the remaining budget
    /// (<paramref name="budgetLeft"/>) over the recent pace (<paramref name="secondsPerStep"/>, monitor evaluations
    /// included) gives the steps still to make; the run never goes past <paramref name="maxSteps"/> (Epochs, MaxSteps)
    /// and always makes one more step. Over budget already, that step ends the schedules.
    /// </summary>
    public BudgetPacing Replan(long done, TimeSpan budgetLeft, double secondsPerStep, long maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(secondsPerStep);
        double fits = Math.Max(0, budgetLeft.TotalSeconds) / secondsPerStep;
        long more = (long)Math.Clamp(Math.Floor(fits), 1, Math.Max(1, maxSteps - done));
        return new BudgetPacing(ScheduleSteps, done, Position(done), done + more);
    }
}
