namespace Microsoft.ML.Byol;

/// <summary>
/// A report of BYOL pretraining after one optimizer step. Every step is reported, in order, when its loss is read from
/// the device: after each step on the CPU, every <see cref="ByolOptions.ReportEverySteps"/> steps on CUDA (then the
/// reports of those steps arrive together).
/// </summary>
public sealed class ByolProgress
{
    internal ByolProgress(int epoch, long step, long totalSteps, double loss, double tau, double learningRate,
        double imagesPerSecond, TimeSpan elapsed, double projectionStd, bool collapseSuspected, double? monitorAccuracy = null)
    {
        MonitorAccuracy = monitorAccuracy;
        Epoch = epoch;
        Step = step;
        TotalSteps = totalSteps;
        Loss = loss;
        Tau = tau;
        LearningRate = learningRate;
        ImagesPerSecond = imagesPerSecond;
        Elapsed = elapsed;
        ProjectionStd = projectionStd;
        CollapseSuspected = collapseSuspected;
    }

    /// <summary>Zero-based epoch of the step.</summary>
    public int Epoch { get; }

    /// <summary>Number of optimizer steps done (1 after the first step).</summary>
    public long Step { get; }

    /// <summary>Optimizer steps of the whole run. With <see cref="ByolOptions.TimeBudget"/> it can change along the run,
    /// as the run refits its remaining steps to the budget left.</summary>
    public long TotalSteps { get; }

    /// <summary>Symmetrised BYOL loss of the step (0 to 8; 2 − 2cos per direction).</summary>
    public double Loss { get; }

    /// <summary>EMA rate τ used for the target update of the step.</summary>
    public double Tau { get; }

    /// <summary>Learning rate of the step.</summary>
    public double LearningRate { get; }

    /// <summary>
    /// Training throughput over the recent steps, in images (each giving two views) per second, measured between reads
    /// of the device (a window of whole reads, see <see cref="ByolOptions.ReportEverySteps"/>).
    /// </summary>
    public double ImagesPerSecond { get; }

    /// <summary>Time since training started (in this process), when the step's values were read.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// Mean per-dimension standard deviation of the L2-normalised online projections of the batch: about
    /// 1/sqrt(ProjectionSize) when healthy, near 0 when the representation collapses.
    /// </summary>
    public double ProjectionStd { get; }

    /// <summary>True when <see cref="ProjectionStd"/> has stayed far below 1/sqrt(ProjectionSize) for many steps.</summary>
    public bool CollapseSuspected { get; }

    /// <summary>
    /// kNN accuracy (0 to 1) of the online encoder on the monitor's held-out slice, on the steps where the monitor
    /// ran (<see cref="ByolOptions.MonitorLabelColumnName"/>); null on the other steps.
    /// </summary>
    public double? MonitorAccuracy { get; }

    /// <inheritdoc />
    public override string ToString()
        => $"epoch {Epoch} step {Step}/{TotalSteps} loss {Loss:F4} tau {Tau:F5} lr {LearningRate:G4} " +
           $"{ImagesPerSecond:F1} img/s proj-std {ProjectionStd:F4}{(CollapseSuspected ? " (collapse suspected)" : "")}{(MonitorAccuracy is { } knn ? $" kNN {knn:P1}" : "")} elapsed {Elapsed:hh\\:mm\\:ss}";
}
