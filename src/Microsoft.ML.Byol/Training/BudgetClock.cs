namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The clock of a run with a <see cref="ByolOptions.TimeBudget"/>: the time since the budget started, and the pace
/// window <see cref="BudgetPacing"/> re-plans from. The window holds the steps since the previous re-plan point (or
/// since the step's cost last changed, at the end of the frozen-encoder phase) and their time, with the kNN monitor's
/// evaluations set apart: a re-plan pays for those separately, at the latest evaluation's cost.
/// </summary>
internal sealed class BudgetClock
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private TimeSpan _evaluations;
    private (long Step, TimeSpan Elapsed, TimeSpan Evaluations) _window;

    /// <summary>Starts the budget's clock now; the pace window starts at step 0.</summary>
    public BudgetClock(TimeSpan budget, TimeProvider? time = null)
    {
        Budget = budget;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>The whole budget.</summary>
    public TimeSpan Budget { get; }

    /// <summary>Time since the budget started (monitor evaluations included).</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    /// <summary>What is left of the budget (negative once over it).</summary>
    public TimeSpan Left => Budget - Elapsed;

    /// <summary>The latest monitor evaluation's time (zero before the first).</summary>
    public TimeSpan LastEvaluation { get; private set; }

    /// <summary>The step the pace window starts at.</summary>
    public long WindowStart => _window.Step;

    /// <summary>Starts a new pace window at <paramref name="step"/>.</summary>
    public void RestartWindow(long step) => _window = (step, Elapsed, _evaluations);

    /// <summary>Records a monitor evaluation, which the pace leaves out.</summary>
    public void AddEvaluation(TimeSpan time)
    {
        LastEvaluation = time;
        _evaluations += time;
    }

    /// <summary>Whether <paramref name="done"/> steps is a re-plan point of <paramref name="pacing"/> for this window.</summary>
    public bool IsReplanPoint(BudgetPacing pacing, long done)
        => pacing.IsReplanPoint(done, done - _window.Step, Elapsed - _window.Elapsed, Budget);

    /// <summary>Seconds per step in the window up to <paramref name="done"/> steps, monitor evaluations left out.</summary>
    public double SecondsPerStep(long done)
    {
        long steps = done - _window.Step;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var training = Elapsed - _window.Elapsed - (_evaluations - _window.Evaluations);
        return Math.Max(1e-6, training.TotalSeconds / steps);
    }
}
