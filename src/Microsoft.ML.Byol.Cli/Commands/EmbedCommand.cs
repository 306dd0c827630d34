using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary>
/// <c>byol embed --encoder F --images DIR|--list FILE --out embeddings.parquet [--index F.usearch]</c>: streams the
/// images through <see cref="ByolEmbedder.EmbedEachFileAsync"/> into <see cref="ByolEmbeddingWriter"/> (Parquet, or
/// .npy by the extension). Images that cannot be read are counted, listed in OUT.errors.csv and reported; they do not
/// stop the run.
/// </summary>
internal static class EmbedCommand
{
    private sealed record Settings(string Encoder, string? Images, string? List, string Out, string? Index, int BatchSize, int? Threads, bool ReducedDecoding);

    public static System.CommandLine.Command Create(CliConsole io)
    {
        var encoder = new Option<string>("--encoder") { Description = "The encoder (.onnx, e.g. OUT/encoder.onnx of byol pretrain)", Required = true };
        var images = new Option<string?>("--images") { Description = "Folder of images to embed (sub-folders too)" };
        var list = new Option<string?>("--list") { Description = "Text file of image paths, one a line (relative to the file's folder; # comments)" };
        var output = new Option<string>("--out") { Description = "Output: .parquet (key, embedding columns) or .npy (+ .keys.txt); failures go to OUT.errors.csv", Required = true };
        var index = new Option<string?>("--index") { Description = "Also build a USearch index of the embeddings here (as byol index does), for byol search" };
        var batch = new Option<int>("--batch-size") { Description = "Images per ONNX Runtime call", DefaultValueFactory = _ => 32 };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads (default: one per core)" };
        var reduced = new Option<bool>("--reduced-decoding")
        {
            Description = "Decode JPEG and WebP photos at 1/2-1/8 size when that keeps twice the encoder's input (much faster on large photos; " +
                "embeddings then differ slightly from the model zip's: ByolEmbedderOptions.ReducedSizeDecoding)",
        };
        OptionRules.Positive(batch);
        OptionRules.Positive(threads);
        var command = new System.CommandLine.Command("embed", "Embed images with an encoder into a Parquet (or .npy) file; unreadable images are counted and listed, not fatal.")
        {
            encoder, images, list, output, index, batch, threads, reduced,
        };
        command.Validators.Add(r =>
        {
            bool hasImages = r.GetResult(images) is not null, hasList = r.GetResult(list) is not null;
            if (hasImages == hasList)
                r.AddError("Give exactly one of --images DIR and --list FILE.");
        });
        command.SetAction((parse, ct) => ByolCli.Guard(io, "embed", () => RunAsync(io, new Settings(
            parse.GetValue(encoder)!, parse.GetValue(images), parse.GetValue(list), parse.GetValue(output)!, parse.GetValue(index),
            parse.GetValue(batch), parse.GetValue(threads), parse.GetValue(reduced)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, Settings s, CancellationToken cancellationToken)
    {
        IEnumerable<string> paths;
        long count;
        if (s.Images is not null)
        {
            var files = ImageFiles.InFolder(s.Images);
            (paths, count) = (files, files.Count);
        }
        else
        {
            (paths, count) = ImageFiles.FromList(s.List!);
        }

        string outPath = Path.GetFullPath(s.Out);
        bool npy = string.Equals(Path.GetExtension(outPath), ".npy", StringComparison.OrdinalIgnoreCase);
        if (npy && s.Index is not null)
            throw new CliException("--index reads the Parquet output; write --out F.parquet to build an index.");
        if (Directory.Exists(outPath))
            throw new CliException($"--out '{s.Out}' is a folder; give a file (.parquet or .npy).");
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        string encoderPath = Path.GetFullPath(s.Encoder);
        using var embedder = EncoderFile.Load(encoderPath, new ByolEmbedderOptions { BatchSize = s.BatchSize, IntraOpThreads = s.Threads, ReducedSizeDecoding = s.ReducedDecoding });
        io.Out.WriteLine($"byol embed: {count} images with {embedder.EncoderInfo} on {embedder.ExecutionProvider}");

        ByolEmbeddingWriteResult? result = null;
        await io.NewProgress().StartAsync(async context =>
        {
            var task = context.AddTask("embed", maxValue: Math.Max(1, count));
            var progress = new InlineProgress<ByolEmbeddingProgress>(p =>
            {
                task.Value = p.Completed;
                task.Description = string.Create(CultureInfo.InvariantCulture, $"embed: {p.Failed} failed, {p.ImagesPerSecond:F0} img/s");
            });
            var embeddings = embedder.EmbedEachFileAsync(paths, progress, cancellationToken);
            result = npy
                ? await ByolEmbeddingWriter.WriteNpyAsync(embeddings, outPath, cancellationToken).ConfigureAwait(false)
                : await ByolEmbeddingWriter.WriteParquetAsync(embeddings, outPath, cancellationToken: cancellationToken).ConfigureAwait(false);
            task.Value = task.MaxValue;
            task.StopTask();
        }).ConfigureAwait(false);

        io.Out.WriteLine($"{result!.Written} embedded, {result.Failed} failed: {outPath}");
        if (result.Failed > 0)
        {
            io.Warn("embed", $"{result.Failed} of {count} images could not be embedded; each is listed with its error in {result.ErrorsPath}");
            foreach (var line in File.ReadLines(result.ErrorsPath).Skip(1).Take(3))
                io.Error.WriteLine("  " + line);
        }
        if (result.Written == 0)
            throw new CliException($"No image could be embedded (errors: {result.ErrorsPath}).", ExitCodes.Failed);

        if (s.Index is not null)
            await VectorIndex.BuildAsync(io, outPath, Path.GetFullPath(s.Index), encoderPath, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
