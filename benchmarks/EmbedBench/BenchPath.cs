namespace EmbedBench;

/// <summary>One way of embedding images: prepares the inputs of a run (untimed), then returns the work to time.</summary>
internal abstract class BenchPath : IDisposable
{
    protected BenchPath(string key, string label)
    {
        Key = key;
        Label = label;
    }

    /// <summary>Short name in the table: a, a-px, b, c, d.</summary>
    public string Key { get; }

    public string Label { get; }

    /// <summary>Makes the inputs of <paramref name="count"/> images; the returned action embeds them all.</summary>
    public abstract Action Prepare(int count, int seed);

    public virtual void Dispose()
    {
    }
}
