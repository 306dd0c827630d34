using System.Globalization;
using System.Text;

namespace Microsoft.ML.Byol.EmbeddingFiles;

/// <summary>
/// The failures of a streaming write, in input order, as CSV (<c>index,key,error_type,message</c>, RFC 4180 quoting);
/// the file is created on the first failure only (an earlier one at that path is deleted up front).
/// </summary>
internal sealed class ErrorsCsv(string path) : IAsyncDisposable
{
    private StreamWriter? _writer;

    public string Path { get; } = DeleteOld(path);

    public long Count { get; private set; }

    public async Task AddAsync(ByolEmbedding failed)
    {
        if (_writer is null)
        {
            _writer = new StreamWriter(Path, false, new UTF8Encoding(false));
            await _writer.WriteLineAsync("index,key,error_type,message").ConfigureAwait(false);
        }

        Count++;
        await _writer.WriteLineAsync(string.Join(",", failed.Index.ToString(CultureInfo.InvariantCulture), Quote(failed.Key),
            Quote(failed.Error?.GetType().FullName ?? ""), Quote(failed.Error?.Message ?? ""))).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string DeleteOld(string path)
    {
        File.Delete(path);
        return path;
    }

    private static string Quote(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
