using System.Runtime.CompilerServices;

namespace Microsoft.ML.Byol.EmbeddingFiles;

/// <summary>
/// The rows of an embedding file: a stream of <see cref="ByolEmbedding"/> split into the embedded inputs, in order and
/// all of one length, and the failures, which go to <c>&lt;path&gt;.errors.csv</c> (<see cref="ErrorsCsv"/>).
/// </summary>
internal sealed class EmbeddingRows(string path) : IAsyncDisposable
{
    private readonly ErrorsCsv _errors = new(path + ".errors.csv");

    /// <summary>The length of every embedding so far; -1 before the first.</summary>
    public int Size { get; private set; } = -1;

    /// <summary>The embedded inputs of <paramref name="embeddings"/>; failures are written to the errors file.</summary>
    /// <exception cref="InvalidDataException">An embedding of another length than the ones before.</exception>
    public async IAsyncEnumerable<EmbeddingRow> SucceededAsync(
        IAsyncEnumerable<ByolEmbedding> embeddings, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var embedding in embeddings.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!embedding.Succeeded)
            {
                await _errors.AddAsync(embedding).ConfigureAwait(false);
                continue;
            }

            if (Size < 0)
            {
                Size = embedding.Vector.Length;
            }
            else if (embedding.Vector.Length != Size)
            {
                throw new InvalidDataException($"Embedding of '{embedding.Key}' has {embedding.Vector.Length} values, the ones before {Size}.");
            }

            yield return new EmbeddingRow(embedding.Index, embedding.Key, embedding.Vector);
        }
    }

    /// <summary>The result of a write that wrote <paramref name="written"/> rows.</summary>
    public ByolEmbeddingWriteResult Result(long written) => new(written, _errors.Count, _errors.Path);

    public ValueTask DisposeAsync() => _errors.DisposeAsync();
}

/// <summary>One embedded input: its position in the input, its key and its embedding.</summary>
internal readonly record struct EmbeddingRow(long Index, string Key, float[] Vector);
