namespace Microsoft.ML.Byol;

/// <summary>
/// A checkpoint written during <see cref="ByolEstimator.Fit"/> into <see cref="ByolOptions.CheckpointDirectory"/>:
/// listed by <see cref="ByolEstimator.GetCheckpoints"/>, exported by <see cref="ByolEstimator.ExportCheckpointOnnx"/>.
/// </summary>
/// <param name="Step">Optimizer steps done when it was written.</param>
/// <param name="Path">The checkpoint file.</param>
/// <param name="WrittenUtc">When it was written (UTC).</param>
/// <param name="LastLoss">The BYOL loss of its last step, if any step was done.</param>
public sealed record ByolCheckpointInfo(long Step, string Path, DateTime WrittenUtc, double? LastLoss);
