namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Watches the per-dimension standard deviation of normalised projections. A healthy BYOL run keeps it near
/// 1/sqrt(d); a collapsed one drives it towards 0. Collapse is suspected when it stays below a quarter of
/// 1/sqrt(d) for <see cref="Patience"/> consecutive steps.
/// </summary>
internal sealed class CollapseMonitor
{
    private readonly double _threshold;

    public CollapseMonitor(int projectionSize, int patience = 50, int streak = 0)
    {
        _threshold = 0.25 / Math.Sqrt(projectionSize);
        Patience = patience;
        Streak = streak;
    }

    /// <summary>Consecutive steps required below the threshold.</summary>
    public int Patience { get; }

    /// <summary>Consecutive steps below the threshold so far.</summary>
    public int Streak { get; private set; }

    /// <summary>Projection std under which a step counts as collapsed.</summary>
    public double Threshold => _threshold;

    /// <summary>Records one step's projection std; returns whether collapse is suspected now.</summary>
    public bool Observe(double projectionStd)
    {
        Streak = projectionStd < _threshold ? Streak + 1 : 0;
        return Suspected;
    }

    /// <summary>Whether the std has stayed below the threshold long enough.</summary>
    public bool Suspected => Streak >= Patience;
}
