namespace Microsoft.ML.Byol.Embedding;

/// <summary>One batch of the streaming pipeline: its inputs, in order, and the results once a worker has run it.</summary>
internal sealed class StreamingBatch(List<EmbedInput> inputs)
{
    public List<EmbedInput> Inputs { get; } = inputs;

    public TaskCompletionSource<ByolEmbedding[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Disposes the streams of inputs never read.</summary>
    public void Abandon()
    {
        foreach (var input in Inputs)
        {
            input.Abandon();
        }
    }
}
