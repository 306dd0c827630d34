using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.ML.Byol.EmbeddingFiles;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.Byol;

/// <summary>
/// Writes streaming embeddings (<see cref="ByolEmbedder.EmbedEachFileAsync"/>) to a Parquet file other tools read,
/// as they come: one row group per <c>rowGroupSize</c> results, so memory does not grow with the count.
/// </summary>
/// <remarks>
/// <para>
/// Layout: two columns, <c>key</c> (string, UTF-8) and <c>embedding</c>, a Parquet LIST of non-null FLOAT (the
/// standard three-level list, element named <c>element</c>), every list of the same length, also written in the
/// file's key-value metadata as <c>byol.embedding_size</c>. Parquet has no fixed-size list type (Arrow's
/// FixedSizeList is written as a LIST too), and a LIST is what the tools expect of an embedding column: Spark reads
/// <c>array&lt;float&gt;</c>, pandas/pyarrow a column of arrays (<c>np.stack(df.embedding)</c>), DuckDB
/// <c>FLOAT[]</c>, castable to <c>FLOAT[n]</c> for <c>array_cosine_similarity</c>. One column per dimension was not
/// chosen: hundreds to thousands of columns bloat the footer and every schema, and each tool must glue them back.
/// </para>
/// <para>
/// Rows are the inputs that were embedded, in input order. Failed inputs are not rows (readers need no null filter):
/// they go, in order, to a CSV side file <c>&lt;path&gt;.errors.csv</c> (<c>index,key,error_type,message</c>,
/// RFC 4180 quoting), written only when an input failed.
/// </para>
/// </remarks>
public static class ByolEmbeddingWriter
{
    /// <summary>Metadata key holding the embedding length.</summary>
    public const string EmbeddingSizeKey = "byol.embedding_size";

    /// <summary>Writes the results to <paramref name="path"/> (Parquet) and failures to <c>path + ".errors.csv"</c>.</summary>
    /// <exception cref="InvalidDataException">Embeddings of different lengths.</exception>
    public static async Task<ByolEmbeddingWriteResult> WriteParquetAsync(
        IAsyncEnumerable<ByolEmbedding> embeddings, string path, int rowGroupSize = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        await using var rows = new EmbeddingRows(path);
        var key = new DataField<string>("key", nullable: false);
        var element = new DataField<float>("element", nullable: false);
        var schema = new ParquetSchema(key, new ListField("embedding", element));
        var keys = new List<string>(rowGroupSize);
        var values = new List<float>();
        long written = 0;
        await using var file = File.Create(path);
        ParquetWriter? writer = null;
        try
        {
            async Task Flush()
            {
                if (keys.Count == 0)
                {
                    return;
                }

                if (writer is null)
                {
                    writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: cancellationToken).ConfigureAwait(false);
                    writer.CustomMetadata = new Dictionary<string, string> { [EmbeddingSizeKey] = rows.Size.ToString(CultureInfo.InvariantCulture) };
                }

                var repetition = new int[values.Count];
                for (int i = 0; i < repetition.Length; i++)
                {
                    repetition[i] = i % rows.Size == 0 ? 0 : 1; // 0 starts a row's list, 1 continues it
                }

                using var group = writer.CreateRowGroup();
                await group.WriteAsync(key, keys, null).ConfigureAwait(false);
                // Every list and every element is present: all at the element's highest definition level.
                var definition = new int[values.Count];
                Array.Fill(definition, element.MaxDefinitionLevel);
                await group.WriteAllPartsAsync<float>(element, values.ToArray(), definition, repetition, cancellationToken).ConfigureAwait(false);
                written += keys.Count;
                keys.Clear();
                values.Clear();
            }

            await foreach (var embedding in rows.SucceededAsync(embeddings, cancellationToken).ConfigureAwait(false))
            {
                keys.Add(embedding.Key);
                values.AddRange(embedding.Vector);
                if (keys.Count == rowGroupSize)
                {
                    await Flush().ConfigureAwait(false);
                }
            }

            await Flush().ConfigureAwait(false);
            if (writer is null)
            {
                // No embedding at all: an empty file with the schema (size unknown: 0).
                writer = await ParquetWriter.CreateAsync(schema, file, cancellationToken: cancellationToken).ConfigureAwait(false);
                writer.CustomMetadata = new Dictionary<string, string> { [EmbeddingSizeKey] = "0" };
            }
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        return rows.Result(written);
    }

    /// <summary>
    /// Writes the results as NumPy: <paramref name="path"/> a .npy float32 matrix (little-endian, C order, shape
    /// (embedded, EmbeddingSize)), <c>path + ".keys.txt"</c> the keys of its rows (UTF-8, one per line, same order),
    /// and failures to <c>path + ".errors.csv"</c> as <see cref="WriteParquetAsync"/>. Rows are written as they come;
    /// the header's row count is rewritten at the end (the stream must be a seekable file).
    /// </summary>
    /// <exception cref="InvalidDataException">Embeddings of different lengths, or a key holding a line break.</exception>
    public static async Task<ByolEmbeddingWriteResult> WriteNpyAsync(
        IAsyncEnumerable<ByolEmbedding> embeddings, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentException.ThrowIfNullOrEmpty(path);
        await using var rows = new EmbeddingRows(path);
        await using var file = File.Create(path);
        await using var keys = new StreamWriter(path + ".keys.txt", false, new UTF8Encoding(false)) { NewLine = "\n" };
        await file.WriteAsync(NpyHeader.For(0, 0), cancellationToken).ConfigureAwait(false);
        long written = 0;
        byte[] row = Array.Empty<byte>();
        await foreach (var embedding in rows.SucceededAsync(embeddings, cancellationToken).ConfigureAwait(false))
        {
            if (written == 0)
            {
                row = new byte[rows.Size * sizeof(float)];
            }

            if (embedding.Key.AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                throw new InvalidDataException($"Key {embedding.Index} holds a line break; the .keys.txt file has one key per line.");
            }

            for (int i = 0; i < rows.Size; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(row.AsSpan(i * sizeof(float)), embedding.Vector[i]);
            }

            await file.WriteAsync(row, cancellationToken).ConfigureAwait(false);
            await keys.WriteLineAsync(embedding.Key).ConfigureAwait(false);
            written++;
        }

        file.Position = 0;
        await file.WriteAsync(NpyHeader.For(written, Math.Max(rows.Size, 0)), cancellationToken).ConfigureAwait(false);
        return rows.Result(written);
    }
}
