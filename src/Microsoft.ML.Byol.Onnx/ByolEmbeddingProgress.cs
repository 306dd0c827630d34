namespace Microsoft.ML.Byol;

/// <summary>Progress of a streaming embedding call, reported once per batch handed to the caller.</summary>
public sealed class ByolEmbeddingProgress
{
    internal ByolEmbeddingProgress(long completed, long failed, TimeSpan elapsed)
    {
        Completed = completed;
        Failed = failed;
        Elapsed = elapsed;
    }

    /// <summary>Inputs done so far (embedded or failed), all handed to the caller in order.</summary>
    public long Completed { get; }

    /// <summary>Of those, inputs that failed (their results hold the error).</summary>
    public long Failed { get; }

    /// <summary>Time since the call started.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Completed inputs per second since the call started.</summary>
    public double ImagesPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
