namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// One input of the streaming embedder: a file path, or a stream that the embedder reads once and disposes. An input
/// that could not be taken in (a null or empty path, a null stream) carries the error to report instead.
/// </summary>
internal readonly record struct EmbedInput(long Index, string Key, string? Path, Stream? Stream, Exception? Invalid)
{
    public static EmbedInput FromPath(long index, string? path) => string.IsNullOrEmpty(path)
        ? new(index, path ?? "", null, null, new ArgumentException($"Image path {index} is null or empty."))
        : new(index, path, path, null, null);

    public static EmbedInput FromStream(long index, string? key, Stream? stream) =>
        key is null ? new(index, "", null, stream, new ArgumentException($"Image {index} has a null key."))
        : stream is null ? new(index, key, null, null, new ArgumentException($"Image {index} ('{key}') has a null stream."))
        : new(index, key, null, stream, null);

    /// <summary>
    /// Decodes the input into <paramref name="destination"/>; returns null, or the error that names it. A stream is
    /// disposed either way. Only a real out-of-memory condition is thrown.
    /// </summary>
    public Exception? TryWrite(ImageWorkspace workspace, Span<float> destination)
    {
        try
        {
            if (Invalid is not null)
            {
                return Invalid;
            }

            if (Stream is not null)
            {
                workspace.WriteStream(Stream, Key, destination);
            }
            else
            {
                workspace.WriteFile(Path!, destination);
            }

            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return e is IOException or UnauthorizedAccessException && !e.Message.Contains(Key, StringComparison.Ordinal)
                ? new IOException($"Image '{Key}' could not be read ({e.GetType().Name}: {e.Message}).", e)
                : e;
        }
        finally
        {
            Stream?.Dispose();
        }
    }

    /// <summary>Releases what an input never read holds (its stream).</summary>
    public void Abandon() => Stream?.Dispose();
}
