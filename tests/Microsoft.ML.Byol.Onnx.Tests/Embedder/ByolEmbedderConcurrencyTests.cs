namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>One embedder serves concurrent callers.</summary>
public sealed class ByolEmbedderConcurrencyTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void EmbedFromFourThreads_EqualsSerialResults()
    {
        var paths = Enumerable.Range(0, 4).Select(t => _files.Pngs(9, seed: t + 1)).ToArray();
        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 4, IntraOpThreads = 1 });
        var serial = paths.Select(p => embedder.EmbedFiles(p)).ToArray();

        using var start = new Barrier(4);
        var concurrent = new float[4][][];
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int repeat = 0; repeat < 3; repeat++)
            {
                concurrent[t] = embedder.EmbedFiles(paths[t]);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (int t = 0; t < 4; t++)
        {
            EmbedderAssert.Identical(concurrent[t], serial[t], $"thread {t}");
        }
    }
}
