using System.CommandLine;
using System.Globalization;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary>
/// <c>byol pretrain --images DIR --out DIR</c>: BYOL on the image files of a folder through the public API
/// (<c>LoadImages</c> → <c>ByolPretrain</c>), writing OUT/encoder.onnx, OUT/checkpoints/, OUT/pretrain.log and
/// OUT/pretrain.json. Started again with the same options and folder, it resumes from the newest checkpoint.
/// </summary>
internal static class PretrainCommand
{
    private sealed record Settings(
        string Images, string Out, string? InitialEncoder, TimeSpan? TimeBudget, int ImageSize, int? EmbeddingSize, int? Epochs, long? MaxSteps,
        int? BatchSize, ByolArchitecture? Architecture, float? Width, int? Seed, string Device, int? Threads, int CheckpointEvery,
        ByolInvalidImageHandling InvalidImages, double SourceScale, bool ReducedDecoding);

    private sealed class ImageRow
    {
        public string Path { get; set; } = "";
    }

    public static System.CommandLine.Command Create(CliConsole io)
    {
        var images = new Option<string>("--images") { Description = "Folder of images to train on (sub-folders too; .png .jpg .jpeg .bmp .gif .webp ...)", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: encoder.onnx, checkpoints/, pretrain.log, pretrain.json", Required = true };
        var initial = new Option<string?>("--initial-encoder") { Description = "Weights to start from: an ONNX ResNet (this library's encoders, ML.NET's ResNet18.onnx), a torchvision .pt/.pth or .safetensors; default: random" };
        var budget = new Option<TimeSpan?>("--time-budget") { Description = "Wall-clock budget of the training steps (30m, 2h, 1h30m, 90s, 00:30:00); the schedules are fitted to it", CustomParser = Durations.Parse };
        var imageSize = new Option<int>("--image-size") { Description = "Training crop size in pixels (<= 64 selects the small-image stem)", DefaultValueFactory = _ => 224 };
        var embeddingSize = new Option<int?>("--embedding-size") { Description = "Size in pixels the encoder embeds images at (default: --image-size × the crops' mean zoom, 1.56 for the default crops; ByolOptions.EmbeddingImageSize)" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the images (default: the library's 300, capped by --time-budget and --max-steps)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = "Cap on the optimizer steps (0 exports the starting encoder)" };
        var batch = new Option<int?>("--batch-size") { Description = "Images per step (default: the library's recipe, capped by the number of images)" };
        var arch = new Option<ByolArchitecture?>("--arch") { Description = "ResNet18 | ResNet34 | ResNet50 | ResNet101 | ResNet152 (default ResNet50; with --initial-encoder the file decides)" };
        var width = new Option<float?>("--width") { Description = "Width multiplier of every convolution (default 1; 0.125 to 0.25 train in minutes on a CPU)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of weights, shuffling and augmentations (default: random)" };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda | cuda:N (this tool carries the CPU backend of libtorch)", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp CPU threads (default: one per core that other processes leave free when the run starts; see ByolOptions.NumberOfThreads)" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints in OUT/checkpoints", DefaultValueFactory = _ => 500 };
        var invalid = new Option<ByolInvalidImageHandling>("--invalid-images") { Description = "Skip: leave unreadable images out and count them in the log; Throw: stop at the first", DefaultValueFactory = _ => ByolInvalidImageHandling.Skip };
        var sourceScale = new Option<double>("--source-scale")
        {
            Description = "Images are cached whole at this multiple of --image-size (1 to 4) and the training crops are taken from them",
            DefaultValueFactory = _ => 1.5,
        };
        var reduced = new Option<bool>("--reduced-decoding")
        {
            Description = "Decode JPEG and WebP photos at 1/2-1/8 size when that keeps twice the cached side (much faster on large photos; " +
                "the cache then differs slightly from ML.NET's full decode: ByolOptions.ReducedSizeDecoding)",
        };
        OptionRules.Positive(imageSize);
        OptionRules.Positive(embeddingSize);
        OptionRules.Positive(checkpointEvery);
        OptionRules.Positive(epochs);
        OptionRules.NonNegative(maxSteps);
        OptionRules.Positive(batch);
        OptionRules.Positive(width);
        OptionRules.Positive(threads);

        var command = new System.CommandLine.Command("pretrain", "Pretrain an image encoder with BYOL on a folder of images; writes encoder.onnx, checkpoints and a log.")
        {
            images, output, initial, budget, imageSize, embeddingSize, epochs, maxSteps, batch, arch, width, seed, device, threads, checkpointEvery, invalid, sourceScale, reduced,
        };
        command.SetAction((parse, ct) => ByolCli.Guard(io, "pretrain", () => RunAsync(io, new Settings(
            parse.GetValue(images)!, parse.GetValue(output)!, parse.GetValue(initial), parse.GetValue(budget), parse.GetValue(imageSize), parse.GetValue(embeddingSize),
            parse.GetValue(epochs), parse.GetValue(maxSteps), parse.GetValue(batch), parse.GetValue(arch), parse.GetValue(width),
            parse.GetValue(seed), parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(checkpointEvery), parse.GetValue(invalid),
            parse.GetValue(sourceScale), parse.GetValue(reduced)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole io, Settings s, CancellationToken cancellationToken)
    {
        var files = ImageFiles.InFolder(s.Images);
        string? initial = s.InitialEncoder is null ? null : Path.GetFullPath(s.InitialEncoder);
        if (initial is not null && !File.Exists(initial))
            throw new CliException($"The initial encoder '{s.InitialEncoder}' does not exist.");
        string outFolder = Path.GetFullPath(s.Out);
        if (File.Exists(outFolder))
            throw new CliException($"--out '{s.Out}' is a file; give a folder.");
        Directory.CreateDirectory(outFolder);
        string checkpoints = Path.Combine(outFolder, "checkpoints");
        string encoderPath = Path.Combine(outFolder, "encoder.onnx");

        using var log = new RunLog(Path.Combine(outFolder, "pretrain.log"));
        log.Line($"byol pretrain: {files.Count} image files under {Path.GetFullPath(s.Images)}; output {outFolder}");
        io.Out.WriteLine($"byol pretrain: {files.Count} image files; log {log.Path}");

        var ml = s.Seed is { } contextSeed ? new MLContext(contextSeed) : new MLContext();
        ml.Log += (_, e) =>
        {
            // The estimator's own messages (its host is named ByolEstimator; most start with "BYOL"), and every warning.
            bool byol = e.Source.Contains("Byol", StringComparison.OrdinalIgnoreCase) || e.RawMessage.Contains("BYOL", StringComparison.Ordinal);
            if (e.Kind is ChannelMessageKind.Warning or ChannelMessageKind.Error || (e.Kind == ChannelMessageKind.Info && byol))
                log.Line(e.Kind == ChannelMessageKind.Info ? e.RawMessage : $"{e.Kind}: {e.RawMessage}");
        };
        var rows = ml.Data.LoadFromEnumerable(files.Select(f => new ImageRow { Path = f }));
        var data = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(ImageRow.Path)).Fit(rows).Transform(rows);

        var options = new ByolOptions
        {
            InputColumnName = "Image",
            ImageSize = s.ImageSize,
            EmbeddingImageSize = s.EmbeddingSize,
            SourceImageScale = s.SourceScale,
            ReducedSizeDecoding = s.ReducedDecoding,
            InitialEncoderPath = initial,
            TimeBudget = s.TimeBudget,
            MaxSteps = s.MaxSteps,
            Seed = s.Seed,
            Device = s.Device,
            NumberOfThreads = s.Threads,
            CheckpointDirectory = checkpoints,
            CheckpointEverySteps = s.CheckpointEvery,
            InvalidImageHandling = s.InvalidImages,
            CancellationToken = cancellationToken,
        };
        if (s.Epochs is { } epochCount)
            options.Epochs = epochCount;
        if (s.BatchSize is { } batchSize)
            options.BatchSize = batchSize;
        if (s.Architecture is { } architecture)
            options.Architecture = architecture;
        if (s.Width is { } width)
            options.WidthMultiplier = width;

        ByolEstimator estimator;
        try
        {
            estimator = ml.Transforms.ByolPretrain(options);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.BadInput, e);
        }

        ByolTransformer? model = null;
        await io.NewProgress().StartAsync(async context =>
        {
            var task = context.AddTask("preparing");
            task.IsIndeterminate = true;
            long logEvery = 1;
            options.Progress = new InlineProgress<ByolProgress>(p =>
            {
                if (task.IsIndeterminate)
                {
                    task.IsIndeterminate = false;
                    logEvery = Math.Max(1, p.TotalSteps / 200);
                }
                task.MaxValue = Math.Max(1, p.TotalSteps);
                task.Value = p.Step;
                task.Description = string.Create(CultureInfo.InvariantCulture, $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F4}");
                if (p.Step % logEvery == 0 || p.Step == p.TotalSteps || p.CollapseSuspected)
                    log.Line(p.ToString());
            });
            try
            {
                model = await Task.Run(() => estimator.Fit(data), cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message, ExitCodes.BadInput, e);
            }
            catch (InvalidDataException e) when (initial is not null && e.Message.Contains(Path.GetFileName(initial), StringComparison.Ordinal))
            {
                throw new CliException(e.Message, ExitCodes.BadInput, e);
            }
            finally
            {
                if (task.IsIndeterminate)
                    task.IsIndeterminate = false;
                task.Value = task.MaxValue;
                task.StopTask();
            }
        }).ConfigureAwait(false);

        using (model)
        {
            var info = model!.EncoderInfo;
            model.ExportOnnx(encoderPath);
            new RunSettings
            {
                Images = Path.GetFullPath(s.Images),
                ImageCount = files.Count,
                Architecture = info.Architecture,
                WidthMultiplier = info.WidthMultiplier,
                SmallImageStem = info.SmallImageStem,
                ImageSize = s.ImageSize,
                EmbeddingImageSize = info.ImageSize,
                EmbeddingSize = info.EmbeddingSize,
                InitialEncoder = initial,
                Encoder = encoderPath,
                Checkpoints = checkpoints,
                Log = log.Path,
            }.Write(outFolder);
            var kept = estimator.GetCheckpoints();
            string steps = info.Training.Steps?.ToString(CultureInfo.InvariantCulture) ?? "?";
            log.Line($"byol pretrain: wrote {encoderPath} ({info}), {steps} steps; {kept.Count} checkpoint(s) in {checkpoints}");
            io.Out.WriteLine($"encoder: {encoderPath} ({info}; {steps} steps)");
            io.Out.WriteLine($"checkpoints: {checkpoints} ({kept.Count}{(kept.Count > 0 ? $", newest step {kept[kept.Count - 1].Step}" : "")})");
            io.Out.WriteLine($"log: {log.Path}");
        }
        return ExitCodes.Ok;
    }
}
