using System.CommandLine;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary>
/// <c>byol export --checkpoint F --out F.onnx</c>: the online encoder of a checkpoint as ONNX
/// (<see cref="ByolEstimator.ExportCheckpointOnnx"/>), with the network read from the run's pretrain.json (or given);
/// <c>--triton DIR</c> also (or, from <c>--encoder F.onnx</c>, only) writes a Triton model repository.
/// </summary>
internal static class ExportCommand
{
    private sealed record Settings(
        string? Checkpoint, string? Encoder, string? Out, string? Triton, string ModelName, int MaxBatchSize,
        ByolArchitecture? Architecture, float? Width, int? ImageSize, string? InitialEncoder);

    public static System.CommandLine.Command Create(CliConsole io)
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint of byol pretrain (OUT/checkpoints/byol-step-*.ckpt)" };
        var encoder = new Option<string?>("--encoder") { Description = "An encoder (.onnx) to write as a Triton model (with --triton)" };
        var output = new Option<string?>("--out") { Description = "Where to write the checkpoint's encoder (.onnx)" };
        var triton = new Option<string?>("--triton") { Description = "Triton model repository folder: writes DIR/NAME/1/model.onnx and DIR/NAME/config.pbtxt" };
        var name = new Option<string>("--model-name") { Description = "Model name in the Triton repository", DefaultValueFactory = _ => TritonRepository.DefaultModelName };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Triton max_batch_size (dynamic batching up to it)", DefaultValueFactory = _ => TritonRepository.DefaultMaxBatchSize };
        var arch = new Option<ByolArchitecture?>("--arch") { Description = "The checkpoint's architecture (default: from pretrain.json beside the checkpoints)" };
        var width = new Option<float?>("--width") { Description = "The checkpoint's width multiplier (default: from pretrain.json)" };
        var imageSize = new Option<int?>("--image-size") { Description = "The checkpoint's image size (default: from pretrain.json)" };
        var initial = new Option<string?>("--initial-encoder") { Description = "The --initial-encoder the run started from (default: from pretrain.json)" };
        var command = new System.CommandLine.Command("export", "Export a checkpoint's encoder to ONNX, and/or an encoder as a Triton Inference Server model repository.")
        {
            checkpoint, encoder, output, triton, name, maxBatch, arch, width, imageSize, initial,
        };
        command.Validators.Add(r =>
        {
            bool hasCheckpoint = r.GetResult(checkpoint) is not null, hasEncoder = r.GetResult(encoder) is not null;
            bool hasOut = r.GetResult(output) is not null, hasTriton = r.GetResult(triton) is not null;
            if (hasCheckpoint == hasEncoder)
                r.AddError("Give exactly one of --checkpoint F and --encoder F.");
            else if (hasCheckpoint && !hasOut && !hasTriton)
                r.AddError("--checkpoint needs --out F.onnx and/or --triton DIR.");
            else if (hasEncoder && !hasTriton)
                r.AddError("--encoder is exported with --triton DIR.");
        });
        command.SetAction((parse, ct) => ByolCli.Guard(io, "export", () => Task.FromResult(Run(io, new Settings(
            parse.GetValue(checkpoint), parse.GetValue(encoder), parse.GetValue(output), parse.GetValue(triton), parse.GetValue(name)!,
            parse.GetValue(maxBatch), parse.GetValue(arch), parse.GetValue(width), parse.GetValue(imageSize), parse.GetValue(initial))))));
        return command;
    }

    private static int Run(CliConsole io, Settings s)
    {
        string onnxPath;
        string? temporary = null;
        if (s.Checkpoint is { } checkpoint)
        {
            onnxPath = s.Out is null ? temporary = Path.Combine(Path.GetTempPath(), $"byol-export-{Guid.NewGuid():N}.onnx") : Path.GetFullPath(s.Out);
            ExportCheckpoint(io, Path.GetFullPath(checkpoint), onnxPath, s);
        }
        else
        {
            onnxPath = Path.GetFullPath(s.Encoder!);
        }

        try
        {
            if (s.Triton is { } repository)
            {
                string config = TritonRepository.Write(onnxPath, Path.GetFullPath(repository), s.ModelName, s.MaxBatchSize);
                io.Out.WriteLine($"triton: {Path.GetDirectoryName(config)} (config.pbtxt, 1/model.onnx)");
            }
        }
        finally
        {
            if (temporary is not null)
                File.Delete(temporary);
        }
        return ExitCodes.Ok;
    }

    private static void ExportCheckpoint(CliConsole io, string checkpoint, string onnxPath, Settings s)
    {
        if (!File.Exists(checkpoint))
            throw new CliException($"The checkpoint '{s.Checkpoint}' does not exist.");
        var run = RunSettings.ForCheckpoint(checkpoint);
        int imageSize = s.ImageSize ?? run?.ImageSize
            ?? throw new CliException($"No {RunSettings.FileName} beside the checkpoint (byol pretrain writes one): give --image-size, --arch and --width of the run.");
        var options = new ByolOptions { ImageSize = imageSize, Device = "cpu" };
        string? initial = s.InitialEncoder ?? (run?.InitialEncoder is { } recorded && File.Exists(recorded) ? recorded : null);
        if (initial is not null)
        {
            // The initial encoder decided the network; only what is given is compared with the checkpoint.
            options.InitialEncoderPath = Path.GetFullPath(initial);
            if (s.Architecture is { } a)
                options.Architecture = a;
            if (s.Width is { } w)
                options.WidthMultiplier = w;
        }
        else
        {
            options.Architecture = s.Architecture ?? run?.Architecture
                ?? throw new CliException($"No {RunSettings.FileName} beside the checkpoint: give --arch (and --width) of the run.");
            options.WidthMultiplier = s.Width ?? run?.WidthMultiplier ?? 1f;
            if (run is not null && s.Architecture is null && s.Width is null && s.ImageSize is null)
                options.SmallImageStem = run.SmallImageStem;
        }

        ByolEstimator estimator;
        try
        {
            estimator = new MLContext().Transforms.ByolPretrain(options);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, ExitCodes.BadInput, e);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(onnxPath)!);
        try
        {
            estimator.ExportCheckpointOnnx(checkpoint, onnxPath);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException)
        {
            throw new CliException(e.Message, ExitCodes.BadInput, e);
        }
        var info = ByolEncoderInfo.FromOnnx(onnxPath);
        if (s.Out is not null)
            io.Out.WriteLine($"encoder: {onnxPath} ({info})");
    }
}
