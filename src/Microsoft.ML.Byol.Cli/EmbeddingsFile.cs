using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// Reads a Parquet file of <see cref="ByolEmbeddingWriter.WriteParquetAsync"/> (columns <c>key</c> and
/// <c>embedding</c>, a LIST of FLOAT; the length in the metadata) row group by row group: the vectors with their row
/// numbers, which are the keys of the USearch index, and the keys of chosen rows.
/// </summary>
internal sealed class EmbeddingsFile
{
    private EmbeddingsFile(string path, int dimensions, long count)
    {
        Path = path;
        Dimensions = dimensions;
        Count = count;
    }

    public string Path { get; }

    /// <summary>Length of every embedding.</summary>
    public int Dimensions { get; }

    /// <summary>Rows (embedded images).</summary>
    public long Count { get; }

    /// <exception cref="CliException">The file does not exist or is not an embeddings file of byol embed.</exception>
    public static async Task<EmbeddingsFile> OpenAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new CliException($"The embeddings file '{path}' does not exist.");
        try
        {
            await using var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            var (_, _, dimensions) = Check(reader, path);
            long count = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                count += group.RowCount;
            }
            return new EmbeddingsFile(path, dimensions, count);
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException and not OutOfMemoryException)
        {
            throw new CliException($"Cannot read the embeddings file '{path}': {ByolCli.Describe(e)}", ExitCodes.BadInput, e);
        }
    }

    /// <summary>Every row: its number (0-based, in file order), key and vector.</summary>
    public async IAsyncEnumerable<(long Row, string Key, float[] Vector)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var reader = await ParquetReader.CreateAsync(Path, cancellationToken: cancellationToken).ConfigureAwait(false);
        var (keyField, embeddingField, size) = Check(reader, Path);
        long row = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            var keys = new string?[rows];
            await group.ReadAsync(keyField, keys.AsMemory(), null).ConfigureAwait(false);
            var values = new float[rows * size];
            var definition = new int[rows * size];
            var repetition = new int[rows * size];
            await group.ReadRawAsync<float>(embeddingField, values.AsMemory(), definition.AsMemory(), repetition.AsMemory()).ConfigureAwait(false);
            for (int r = 0; r < rows; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return (row++, keys[r] ?? "", values.AsSpan(r * size, size).ToArray());
            }
        }
    }

    /// <summary>The keys of the given rows (reading only the key column of the row groups that hold them).</summary>
    public async Task<IReadOnlyDictionary<long, string>> KeysAsync(IReadOnlyCollection<long> rows, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, string>();
        await using var reader = await ParquetReader.CreateAsync(Path, cancellationToken: cancellationToken).ConfigureAwait(false);
        var (keyField, _, _) = Check(reader, Path);
        long first = 0;
        for (int g = 0; g < reader.RowGroupCount && result.Count < rows.Count; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            long end = first + group.RowCount;
            if (rows.Any(r => r >= first && r < end))
            {
                var keys = new string?[checked((int)group.RowCount)];
                await group.ReadAsync(keyField, keys.AsMemory(), null).ConfigureAwait(false);
                foreach (long r in rows.Where(r => r >= first && r < end))
                    result[r] = keys[r - first] ?? "";
            }
            first = end;
        }
        return result;
    }

    private static (DataField Key, DataField Element, int Size) Check(ParquetReader reader, string path)
    {
        var fields = reader.Schema.GetDataFields();
        if (fields.Length != 2 || fields[0].Name != "key" || reader.Schema.Fields.Count != 2 || reader.Schema.Fields[1] is not ListField { Name: "embedding" })
            throw new CliException($"'{path}' is not an embeddings file of byol embed (columns key and embedding, a list of float).");
        if (!reader.CustomMetadata.TryGetValue(ByolEmbeddingWriter.EmbeddingSizeKey, out var text)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int size))
            throw new CliException($"'{path}' does not say its embedding size (metadata {ByolEmbeddingWriter.EmbeddingSizeKey}).");
        return (fields[0], fields[1], size);
    }
}
