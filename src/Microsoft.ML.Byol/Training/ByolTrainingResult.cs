using Microsoft.ML.Byol.Networks;

namespace Microsoft.ML.Byol.Training;

/// <summary>The outcome of a BYOL run: the networks (of which only the online encoder is kept) and a summary.</summary>
internal sealed class ByolTrainingResult : IDisposable
{
    private readonly ByolNetwork _network;

    internal ByolTrainingResult(ByolNetwork network, TrainingPlan plan, long stepsDone, long resumedFromStep,
        IReadOnlyList<(long Step, double Loss)> lossHistory, TimeSpan elapsed, string device, bool collapseSuspected, KeptEncoder? kept = null)
    {
        Kept = kept;
        _network = network;
        Plan = plan;
        StepsDone = stepsDone;
        ResumedFromStep = resumedFromStep;
        LossHistory = lossHistory;
        Elapsed = elapsed;
        Device = device;
        CollapseSuspected = collapseSuspected;
    }

    /// <summary>The trained online encoder f_θ, on the CPU, in evaluation mode.</summary>
    public ResNet Encoder => _network.OnlineEncoder;

    /// <summary>The whole network (online and target), for tests and checkpoints.</summary>
    public ByolNetwork Network => _network;

    /// <summary>The plan the run followed.</summary>
    public TrainingPlan Plan { get; }

    /// <summary>Optimizer steps done in all (including those before a resume).</summary>
    public long StepsDone { get; }

    /// <summary>Step the run resumed from (0 for a fresh run).</summary>
    public long ResumedFromStep { get; }

    /// <summary>Loss of every step run in this process.</summary>
    public IReadOnlyList<(long Step, double Loss)> LossHistory { get; }

    /// <summary>Mean loss of the last few steps, or null when no step ran.</summary>
    public double? FinalLoss => LossHistory.Count == 0 ? null : LossHistory.TakeLast(Math.Min(20, LossHistory.Count)).Average(x => x.Loss);

    /// <summary>Wall time of the training loop in this process.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The device trained on.</summary>
    public string Device { get; }

    /// <summary>Whether the collapse monitor fired.</summary>
    public bool CollapseSuspected { get; }

    /// <summary>The encoder the kNN monitor kept (null when no monitor ran or keep-best is off).</summary>
    public KeptEncoder? Kept { get; }

    public void Dispose() => _network.Dispose();
}
