using System.Text.Json;
using Cloud.Unum.USearch;
using Spectre.Console;

namespace Microsoft.ML.Byol.Cli;

/// <summary>One search result: the row of the embeddings file and its cosine distance (1 − cosine similarity) to the query.</summary>
internal readonly record struct Hit(long Row, float Distance);

/// <summary>
/// What <c>byol index</c> writes beside the USearch index (<c>INDEX.json</c>): the embeddings file whose row numbers are
/// the index's keys, the encoder that made them (for embedding the query), the size and the metric.
/// </summary>
internal sealed record IndexManifest(string Embeddings, string? Encoder, int Dimensions, long Count, string Metric)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string PathFor(string indexPath) => indexPath + ".json";

    public void Write(string indexPath) => File.WriteAllText(PathFor(indexPath), JsonSerializer.Serialize(this, Json) + "\n");

    /// <exception cref="CliException">The manifest is missing or cannot be read.</exception>
    public static IndexManifest Read(string indexPath)
    {
        string path = PathFor(indexPath);
        if (!File.Exists(path))
            throw new CliException($"'{path}' does not exist: byol index (or byol embed --index) writes it beside the index.");
        try
        {
            return JsonSerializer.Deserialize<IndexManifest>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"Cannot read '{path}': {e.Message}", ExitCodes.BadInput, e);
        }
    }
}

/// <summary>
/// The vector index of <c>byol index</c> and <c>byol search</c>: a USearch HNSW index (cosine metric, float32) whose
/// keys are the row numbers of the Parquet embeddings file, plus an exact cosine scan of that file for when the
/// USearch native library cannot be loaded (or <c>--exact</c> asks for it).
/// </summary>
internal static class VectorIndex
{
    public const string Metric = "cos";

    /// <summary>Builds the index of <paramref name="embeddingsPath"/> at <paramref name="indexPath"/> and its manifest.</summary>
    public static async Task BuildAsync(CliConsole io, string embeddingsPath, string indexPath, string? encoderPath, CancellationToken cancellationToken)
    {
        var file = await EmbeddingsFile.OpenAsync(embeddingsPath, cancellationToken).ConfigureAwait(false);
        if (file.Count == 0)
            throw new CliException($"The embeddings file '{embeddingsPath}' holds no embedding.");
        if (Directory.Exists(indexPath))
            throw new CliException($"The index path '{indexPath}' is a folder; give a file (e.g. embeddings.usearch).");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(indexPath))!);

        // The manifest first: byol search can scan the embeddings exactly even where USearch cannot be loaded.
        new IndexManifest(Path.GetFullPath(embeddingsPath), encoderPath is null ? null : Path.GetFullPath(encoderPath), file.Dimensions, file.Count, Metric).Write(indexPath);
        using var index = Create(file.Dimensions);
        await io.NewProgress().StartAsync(async context =>
        {
            var task = context.AddTask("index", maxValue: file.Count);
            await foreach (var (row, _, vector) in file.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                index.Add((ulong)row, vector);
                task.Increment(1);
            }
            task.StopTask();
        }).ConfigureAwait(false);
        index.Save(indexPath);
        io.Out.WriteLine($"index: {indexPath} ({file.Count} vectors of {file.Dimensions}, cosine, USearch {USearchCapabilities.Version()} {index.HardwareAcceleration()}); manifest {IndexManifest.PathFor(indexPath)}");
    }

    /// <summary>The <paramref name="k"/> nearest rows to <paramref name="query"/> in the USearch index, nearest first.</summary>
    public static IReadOnlyList<Hit> Search(string indexPath, float[] query, int k)
    {
        using var index = Load(indexPath);
        int found = index.Search(query, k, out ulong[] keys, out float[] distances);
        return Enumerable.Range(0, found).Select(i => new Hit((long)keys[i], distances[i])).ToList();
    }

    /// <summary>The <paramref name="k"/> nearest rows by an exact cosine scan of the embeddings file, nearest first.</summary>
    public static async Task<IReadOnlyList<Hit>> SearchExactAsync(EmbeddingsFile file, float[] query, int k, CancellationToken cancellationToken)
    {
        double queryNorm = Math.Sqrt(query.Sum(v => (double)v * v));
        var heap = new PriorityQueue<Hit, float>(k + 1); // the worst kept hit on top: priority = −distance
        await foreach (var (row, _, vector) in file.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            double dot = 0, norm = 0;
            for (int i = 0; i < vector.Length; i++)
            {
                dot += (double)vector[i] * query[i];
                norm += (double)vector[i] * vector[i];
            }
            float distance = (float)(1 - dot / Math.Max(Math.Sqrt(norm) * queryNorm, 1e-30));
            heap.Enqueue(new Hit(row, distance), -distance);
            if (heap.Count > k)
                heap.Dequeue();
        }
        var hits = new List<Hit>(heap.Count);
        while (heap.Count > 0)
            hits.Add(heap.Dequeue());
        hits.Reverse();
        return hits;
    }

    /// <summary>True when <paramref name="e"/> says the USearch native library (libusearch_c) could not be loaded.</summary>
    public static bool IsNativeLoadFailure(Exception e) => e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
        || (e is TypeInitializationException t && t.InnerException is { } inner && IsNativeLoadFailure(inner));

    private static USearchIndex Create(int dimensions)
    {
        try
        {
            return new USearchIndex(MetricKind.Cos, ScalarKind.Float32, (ulong)dimensions);
        }
        catch (Exception e) when (IsNativeLoadFailure(e))
        {
            throw new CliException(
                $"The USearch native library (libusearch_c) could not be loaded: {ByolCli.Describe(e)}. The manifest was written; " +
                "byol search --exact searches the embeddings file without it.", ExitCodes.Failed, e);
        }
    }

    private static USearchIndex Load(string indexPath)
    {
        if (!File.Exists(indexPath))
            throw new CliException($"The index '{indexPath}' does not exist.");
        try
        {
            return new USearchIndex(indexPath);
        }
        catch (USearchException e)
        {
            throw new CliException($"Cannot read the index '{indexPath}': {e.Message}", ExitCodes.BadInput, e);
        }
    }
}
