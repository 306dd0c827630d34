namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The time a training step takes, from timed steps of a fresh network: the first steps of a process are slower
/// (allocations, page faults, kernel selection), so steps are timed until the newest <see cref="TimedSteps"/> agree,
/// and their median is the pace; past the first <see cref="WarmupSteps"/> + <see cref="TimedSteps"/>, steps are added
/// only while the time spent stays within the given share of the budget. A budget planned on the early steps alone gave a small network half its budget
/// (docs/benchmarks.md, 2026-12-07: 1.4 s planned, 0.78 s run).
/// </summary>
/// <param name="extraStepsWithin">Time the steps beyond the first <see cref="WarmupSteps"/> + <see cref="TimedSteps"/>
/// may bring the total to.</param>
internal sealed class StepPace(TimeSpan extraStepsWithin)
{
    /// <summary>Steps always run before any is counted.</summary>
    public const int WarmupSteps = 2;

    /// <summary>Steps the pace is the median of.</summary>
    public const int TimedSteps = 5;

    /// <summary>Most steps timed before the pace is taken as it is (a shared machine may never settle).</summary>
    public const int MaxSteps = 24;

    /// <summary>The newest <see cref="TimedSteps"/> agree when the slowest is at most this much slower than the fastest.</summary>
    public const double SettledSpread = 1.25;

    private readonly List<double> _seconds = new();

    /// <summary>Seconds of each step so far, in order.</summary>
    public IReadOnlyList<double> Seconds => _seconds;

    /// <summary>Records one step.</summary>
    public void Add(double seconds) => _seconds.Add(seconds);

    /// <summary>
    /// Enough steps are timed: at least <see cref="WarmupSteps"/> + <see cref="TimedSteps"/>, and the newest ones agree,
    /// or <see cref="MaxSteps"/> are done, or the time spent has reached the limit given.
    /// </summary>
    public bool Done => _seconds.Count >= MaxSteps || (_seconds.Count >= WarmupSteps + TimedSteps &&
        (Spread(Newest()) <= SettledSpread || _seconds.Sum() >= extraStepsWithin.TotalSeconds));

    /// <summary>Median seconds of the newest <see cref="TimedSteps"/> steps (of all after the warm-up when fewer ran).</summary>
    public double SecondsPerStep
    {
        get
        {
            if (_seconds.Count == 0)
                throw new InvalidOperationException("No step was timed.");
            var newest = Newest();
            var sorted = (newest.Length > 0 ? newest : _seconds.ToArray()).Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    private double[] Newest() => _seconds.Skip(Math.Max(WarmupSteps, _seconds.Count - TimedSteps)).ToArray();

    private static double Spread(double[] seconds) => seconds.Length == 0 ? double.PositiveInfinity : seconds.Max() / Math.Max(seconds.Min(), 1e-9);
}
