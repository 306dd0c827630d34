using System.CommandLine;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary><c>byol index --embeddings F.parquet --out F.usearch [--encoder F]</c>: a USearch index of an embeddings file.</summary>
internal static class IndexCommand
{
    public static System.CommandLine.Command Create(CliConsole io)
    {
        var embeddings = new Option<string>("--embeddings") { Description = "Parquet file of byol embed", Required = true };
        var output = new Option<string>("--out") { Description = "The index file (e.g. embeddings.usearch); its manifest goes to OUT.json", Required = true };
        var encoder = new Option<string?>("--encoder") { Description = "The encoder that made the embeddings, recorded for byol search (which then needs no --encoder)" };
        var command = new System.CommandLine.Command("index", "Build a USearch vector index (cosine) of a Parquet embeddings file, for byol search.")
        {
            embeddings, output, encoder,
        };
        command.SetAction((parse, ct) => ByolCli.Guard(io, "index", async () =>
        {
            string? encoderPath = parse.GetValue(encoder);
            if (encoderPath is not null)
                EncoderFile.Info(encoderPath); // a clear error now rather than at search time
            await VectorIndex.BuildAsync(io, Path.GetFullPath(parse.GetValue(embeddings)!), Path.GetFullPath(parse.GetValue(output)!), encoderPath, ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
