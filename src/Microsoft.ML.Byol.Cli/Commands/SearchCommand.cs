using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary>
/// <c>byol search --index F.usearch --query IMAGE [-k 10]</c>: embeds the query image with the index's encoder and
/// prints the k nearest images (cosine distance), nearest first. Falls back to an exact scan of the embeddings file,
/// with a warning, when the USearch native library cannot be loaded; <c>--exact</c> asks for the scan.
/// </summary>
internal static class SearchCommand
{
    private sealed record Settings(string Index, string Query, int K, string? Encoder, string? Embeddings, bool Exact, bool Tsv);

    public static System.CommandLine.Command Create(CliConsole io)
    {
        var index = new Option<string>("--index") { Description = "Index of byol index or byol embed --index (its manifest INDEX.json beside it)", Required = true };
        var query = new Option<string>("--query") { Description = "The query image", Required = true };
        var k = new Option<int>("-k", "--k") { Description = "Number of results", DefaultValueFactory = _ => 10 };
        var encoder = new Option<string?>("--encoder") { Description = "Encoder for the query (default: the one recorded in the manifest)" };
        var embeddings = new Option<string?>("--embeddings") { Description = "Embeddings file of the index (default: the one recorded in the manifest)" };
        var exact = new Option<bool>("--exact") { Description = "Scan the embeddings file exactly instead of searching the USearch index" };
        var tsv = new Option<bool>("--tsv") { Description = "Print rank, distance and key separated by tabs, one result a line, no table" };
        OptionRules.Positive(k);
        var command = new System.CommandLine.Command("search", "Find the images nearest to a query image in an index of embeddings.")
        {
            index, query, k, encoder, embeddings, exact, tsv,
        };
        command.SetAction((parse, ct) => ByolCli.Guard(io, "search", () => RunAsync(io, new Settings(
            parse.GetValue(index)!, parse.GetValue(query)!, parse.GetValue(k), parse.GetValue(encoder), parse.GetValue(embeddings),
            parse.GetValue(exact), parse.GetValue(tsv)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, Settings s, CancellationToken cancellationToken)
    {
        string indexPath = Path.GetFullPath(s.Index);
        if (!File.Exists(indexPath))
            throw new CliException($"The index '{s.Index}' does not exist.");
        var manifest = IndexManifest.Read(indexPath);
        string encoderPath = s.Encoder ?? (manifest.Encoder is { } recorded ? Beside(recorded, indexPath)
            : throw new CliException("The index records no encoder (it was built with byol index without --encoder): give --encoder."));
        string embeddingsPath = s.Embeddings ?? Beside(manifest.Embeddings, indexPath);
        string queryPath = Path.GetFullPath(s.Query);
        if (!File.Exists(queryPath))
            throw new CliException($"The query image '{s.Query}' does not exist.");

        float[] vector;
        using (var embedder = EncoderFile.Load(encoderPath, new ByolEmbedderOptions { BatchSize = 1 }))
        {
            var result = embedder.EmbedEachFile(new[] { queryPath }, cancellationToken: cancellationToken).Single();
            if (!result.Succeeded)
                throw new CliException($"Cannot read the query image '{s.Query}': {result.Error.Message}");
            vector = result.Vector;
        }
        if (vector.Length != manifest.Dimensions)
            throw new CliException($"The encoder '{encoderPath}' makes {vector.Length}-d embeddings, the index holds {manifest.Dimensions}-d ones: use the encoder that made the index.");

        var file = await EmbeddingsFile.OpenAsync(embeddingsPath, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Hit> hits;
        string method;
        if (s.Exact)
        {
            (hits, method) = (await VectorIndex.SearchExactAsync(file, vector, s.K, cancellationToken).ConfigureAwait(false), "exact scan");
        }
        else
        {
            try
            {
                (hits, method) = (VectorIndex.Search(indexPath, vector, s.K), "USearch");
            }
            catch (Exception e) when (VectorIndex.IsNativeLoadFailure(e))
            {
                io.Warn("search", $"the USearch native library could not be loaded ({ByolCli.Describe(e)}); scanning {embeddingsPath} exactly instead.");
                (hits, method) = (await VectorIndex.SearchExactAsync(file, vector, s.K, cancellationToken).ConfigureAwait(false), "exact scan");
            }
        }

        var keys = await file.KeysAsync(hits.Select(h => h.Row).ToList(), cancellationToken).ConfigureAwait(false);
        if (s.Tsv)
        {
            for (int i = 0; i < hits.Count; i++)
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1}\t{hits[i].Distance:F6}\t{keys.GetValueOrDefault(hits[i].Row, "?")}"));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("rank").AddColumn("distance").AddColumn("similarity").AddColumn("image");
        table.Caption($"{hits.Count} nearest of {file.Count} by cosine ({method})");
        for (int i = 0; i < hits.Count; i++)
        {
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                hits[i].Distance.ToString("F4", CultureInfo.InvariantCulture),
                (1 - hits[i].Distance).ToString("F4", CultureInfo.InvariantCulture),
                Markup.Escape(keys.GetValueOrDefault(hits[i].Row, "?")));
        }
        io.Console.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>The recorded path, or the file of that name beside the index when the two were moved together.</summary>
    private static string Beside(string recorded, string indexPath)
    {
        if (File.Exists(recorded))
            return recorded;
        string beside = Path.Combine(Path.GetDirectoryName(indexPath)!, Path.GetFileName(recorded));
        return File.Exists(beside) ? beside : recorded;
    }
}
