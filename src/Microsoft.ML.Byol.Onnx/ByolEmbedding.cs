using System.Diagnostics.CodeAnalysis;

namespace Microsoft.ML.Byol;

/// <summary>
/// One result of <see cref="ByolEmbedder.EmbedEachFileAsync"/> and its twins: the input's key (the path as given, or
/// the stream's key) and either its embedding or the error that kept it from being embedded.
/// </summary>
public sealed class ByolEmbedding
{
    internal ByolEmbedding(long index, string key, float[]? vector, Exception? error)
    {
        Index = index;
        Key = key;
        Vector = vector;
        Error = error;
    }

    /// <summary>Position of the input in the sequence given (0-based); results come in this order.</summary>
    public long Index { get; }

    /// <summary>The path as given, or the key given with the stream.</summary>
    public string Key { get; }

    /// <summary>The embedding (EmbeddingSize floats), or null when the input failed.</summary>
    public float[]? Vector { get; }

    /// <summary>
    /// Why the input failed (null when it succeeded): e.g. <see cref="FileNotFoundException"/> or
    /// <see cref="InvalidDataException"/>, whose message names the file or key.
    /// </summary>
    public Exception? Error { get; }

    /// <summary>True when <see cref="Vector"/> holds the embedding; false when <see cref="Error"/> says why not.</summary>
    [MemberNotNullWhen(true, nameof(Vector))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Vector is not null;
}
