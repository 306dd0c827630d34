using Microsoft.ML.Byol.Embedding;

namespace Microsoft.ML.Byol;

/// <summary>Streaming, fail-soft embedding: one result per input, in input order, with bounded memory.</summary>
public sealed partial class ByolEmbedder
{
    /// <summary>
    /// Embeds image files one result per path, in input order, as each batch is done. Unlike <see cref="EmbedFiles"/>
    /// nothing is thrown for a file that cannot be read: its result holds the error (e.g.
    /// <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> naming the file). The paths are pulled
    /// lazily, at most a few batches ahead of the caller (two per worker), so a sequence of millions of paths holds
    /// only a few batches of vectors; decoding runs in parallel, as in <see cref="EmbedFiles"/>, with the same
    /// decoder, size limit and pixels.
    /// </summary>
    /// <param name="imagePaths">The files; enumerated once, lazily, on a worker thread.</param>
    /// <param name="progress">Told after each batch: inputs done, failed, images per second.</param>
    /// <param name="cancellationToken">Stops the enumeration (it then throws <see cref="OperationCanceledException"/>).</param>
    /// <returns>
    /// The results. The sequence ends with an exception for what is not about one input: the paths enumerable throwing
    /// (after the results before), ONNX Runtime failing, the embedder disposed.
    /// </returns>
    public IAsyncEnumerable<ByolEmbedding> EmbedEachFileAsync(
        IEnumerable<string> imagePaths, IProgress<ByolEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        ThrowIfDisposed();
        return _streaming.Run(imagePaths.Select((path, i) => EmbedInput.FromPath(i, path)), progress, cancellationToken);
    }

    /// <summary>The synchronous twin of <see cref="EmbedEachFileAsync"/>: the same results, blocking between batches.</summary>
    public IEnumerable<ByolEmbedding> EmbedEachFile(
        IEnumerable<string> imagePaths, IProgress<ByolEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        EmbedEachFileAsync(imagePaths, progress, cancellationToken).ToBlockingEnumerable(cancellationToken);

    /// <summary>
    /// Embeds images held in streams, one result per (key, stream) pair, as <see cref="EmbedEachFileAsync"/> does for
    /// files. Each stream is read once from its position and disposed by the embedder (also when never read because
    /// the enumeration stopped); an undecodable stream's result holds an <see cref="InvalidDataException"/> naming
    /// its key. Pairs are pulled lazily, so streams opened inside the enumerable stay few.
    /// </summary>
    public IAsyncEnumerable<ByolEmbedding> EmbedEachStreamAsync(
        IEnumerable<(string Key, Stream Stream)> images, IProgress<ByolEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ThrowIfDisposed();
        return _streaming.Run(images.Select((image, i) => EmbedInput.FromStream(i, image.Key, image.Stream)), progress, cancellationToken);
    }

    /// <summary>The synchronous twin of <see cref="EmbedEachStreamAsync"/>.</summary>
    public IEnumerable<ByolEmbedding> EmbedEachStream(
        IEnumerable<(string Key, Stream Stream)> images, IProgress<ByolEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        EmbedEachStreamAsync(images, progress, cancellationToken).ToBlockingEnumerable(cancellationToken);

    /// <summary>Most batches of <see cref="BatchSize"/> inputs the streaming methods hold at once (pulled, not yet handed back).</summary>
    internal int StreamingBatchesInFlight => _streaming.MaxInFlight;
}
