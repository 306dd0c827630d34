namespace Microsoft.ML.Byol.Training;

/// <summary>What a checkpoint says besides its tensors.</summary>
internal sealed record CheckpointMetadata
{
    /// <summary>Optimizer steps done.</summary>
    public long Step { get; init; }

    /// <summary>The configuration of the run; a checkpoint resumes only a run with the same one.</summary>
    public string RunFingerprint { get; init; } = "";

    /// <summary>Loss of the last step done.</summary>
    public double? LastLoss { get; init; }

    /// <summary>Consecutive low projection-std steps counted by the collapse monitor.</summary>
    public int CollapseStreak { get; init; }

    /// <summary>Where a budgeted run stands on its schedules after its in-run re-plans; null: on the planned schedules.</summary>
    public BudgetPacing? Pacing { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTime WrittenUtc { get; init; }
}
