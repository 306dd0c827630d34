using System.CommandLine;

namespace Microsoft.ML.Byol.Cli.Commands;

/// <summary>
/// <c>byol export --checkpoint F --out F.onnx</c>: the online encoder of a checkpoint as ONNX
/// (<see cref="ByolEstimator.ExportCheckpointOnnx"/>), with the network read from the run's pretrain.json (or given);
/// <c>--triton DIR</c> also (or, from <c>--encoder F.onnx</c>, only) writes a Triton model repository.
/// <c>--precision float16|int8</c> converts the encoder (<see cref="ByolTransformer.ExportOnnx(string, ByolOnnxPrecision, IDataView?)"/>),
/// Int8 calibrated on <c>--calibration DIR</c>; the Triton model is then the converted file. <c>--encoder F --out G</c>
/// converts an existing float32 encoder.
/// </summary>
internal static class ExportCommand
{
    private sealed record Settings(
        string? Checkpoint, string? Encoder, string? Out, string? Triton, string ModelName, int MaxBatchSize,
        ByolArchitecture? Architecture, float? Width, int? ImageSize, string? InitialEncoder,
        ByolOnnxPrecision Precision, string? Calibration, int CalibrationCount);

    public static System.CommandLine.Command Create(CliConsole io)
    {
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint of byol pretrain (OUT/checkpoints/byol-step-*.ckpt)" };
        var encoder = new Option<string?>("--encoder") { Description = "A float32 encoder (.onnx) to convert (with --out and --precision) and/or write as a Triton model (with --triton)" };
        var output = new Option<string?>("--out") { Description = "Where to write the encoder (.onnx), in --precision" };
        var triton = new Option<string?>("--triton") { Description = "Triton model repository folder: writes DIR/NAME/1/model.onnx and DIR/NAME/config.pbtxt" };
        var name = new Option<string>("--model-name") { Description = "Model name in the Triton repository", DefaultValueFactory = _ => TritonRepository.DefaultModelName };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Triton max_batch_size (dynamic batching up to it)", DefaultValueFactory = _ => TritonRepository.DefaultMaxBatchSize };
        var arch = new Option<ByolArchitecture?>("--arch") { Description = "The checkpoint's architecture (default: from pretrain.json beside the checkpoints)" };
        var width = new Option<float?>("--width") { Description = "The checkpoint's width multiplier (default: from pretrain.json)" };
        var imageSize = new Option<int?>("--image-size") { Description = "The checkpoint's image size (default: from pretrain.json)" };
        var initial = new Option<string?>("--initial-encoder") { Description = "The --initial-encoder the run started from (default: from pretrain.json)" };
        var precision = new Option<ByolOnnxPrecision>("--precision")
        {
            Description = "Number format of the written encoder: float32 (as trained), float16 (for GPUs) or int8 (QDQ, needs --calibration)",
            DefaultValueFactory = _ => ByolOnnxPrecision.Float32,
        };
        var calibration = new Option<string?>("--calibration") { Description = "Folder of sample images (like those to embed) that --precision int8 calibrates its activation ranges on" };
        var calibrationCount = new Option<int>("--calibration-count")
        {
            Description = "Most calibration images read, spread evenly over the folder's files",
            DefaultValueFactory = _ => CalibrationImages.DefaultCount,
        };
        var command = new System.CommandLine.Command("export", "Export a checkpoint's encoder to ONNX (float32, float16 or int8), and/or an encoder as a Triton Inference Server model repository.")
        {
            checkpoint, encoder, output, triton, name, maxBatch, arch, width, imageSize, initial, precision, calibration, calibrationCount,
        };
        command.Validators.Add(r =>
        {
            bool hasCheckpoint = r.GetResult(checkpoint) is not null, hasEncoder = r.GetResult(encoder) is not null;
            bool hasOut = r.GetResult(output) is not null, hasTriton = r.GetResult(triton) is not null;
            if (hasCheckpoint == hasEncoder)
                r.AddError("Give exactly one of --checkpoint F and --encoder F.");
            else if (hasCheckpoint && !hasOut && !hasTriton)
                r.AddError("--checkpoint needs --out F.onnx and/or --triton DIR.");
            else if (hasEncoder && !hasOut && !hasTriton)
                r.AddError("--encoder needs --out F.onnx (a converted copy, with --precision) and/or --triton DIR.");
            if (r.GetValue(precision) == ByolOnnxPrecision.Int8 && r.GetResult(calibration) is null)
                r.AddError("--precision int8 needs --calibration DIR: sample images to calibrate the activation ranges on.");
            if (r.GetResult(calibrationCount) is not null && r.GetValue(calibrationCount) < 1)
                r.AddError("--calibration-count must be at least 1.");
        });
        command.SetAction((parse, ct) => ByolCli.Guard(io, "export", () => Task.FromResult(Run(io, new Settings(
            parse.GetValue(checkpoint), parse.GetValue(encoder), parse.GetValue(output), parse.GetValue(triton), parse.GetValue(name)!,
            parse.GetValue(maxBatch), parse.GetValue(arch), parse.GetValue(width), parse.GetValue(imageSize), parse.GetValue(initial),
            parse.GetValue(precision), parse.GetValue(calibration), parse.GetValue(calibrationCount))))));
        return command;
    }

    private static int Run(CliConsole io, Settings s)
    {
        var temporary = new List<string>();
        string Temporary()
        {
            temporary.Add(Path.Combine(Path.GetTempPath(), $"byol-export-{Guid.NewGuid():N}.onnx"));
            return temporary[^1];
        }

        try
        {
            bool convert = s.Precision != ByolOnnxPrecision.Float32 || s.Encoder is not null;
            string onnxPath;
            if (s.Checkpoint is { } checkpoint)
            {
                onnxPath = s.Out is not null && !convert ? Path.GetFullPath(s.Out) : Temporary();
                ExportCheckpoint(io, Path.GetFullPath(checkpoint), onnxPath, s, announce: !convert);
            }
            else
            {
                onnxPath = Path.GetFullPath(s.Encoder!);
            }

            if (convert && (s.Out is not null || s.Precision != ByolOnnxPrecision.Float32))
            {
                string converted = s.Out is null ? Temporary() : Path.GetFullPath(s.Out);
                Convert(io, onnxPath, converted, s);
                onnxPath = converted;
            }

            if (s.Triton is { } repository)
            {
                string config = TritonRepository.Write(onnxPath, Path.GetFullPath(repository), s.ModelName, s.MaxBatchSize);
                io.Out.WriteLine($"triton: {Path.GetDirectoryName(config)} (config.pbtxt, 1/model.onnx)");
            }
        }
        finally
        {
            foreach (string file in temporary)
                File.Delete(file);
        }
        return ExitCodes.Ok;
    }

    /// <summary>Writes the float32 encoder at <paramref name="floatPath"/> to <paramref name="path"/> in the asked precision.</summary>
    private static void Convert(CliConsole io, string floatPath, string path, Settings s)
    {
        EncoderFile.Info(floatPath);
        var ml = new MLContext();
        using var transformer = ml.Transforms.ApplyByolEncoder(floatPath, inputColumnName: CalibrationImages.Column);
        IDataView? calibration = null;
        string from = "";
        if (s.Precision == ByolOnnxPrecision.Int8)
        {
            (calibration, int count) = CalibrationImages.Load(ml, Path.GetFullPath(s.Calibration!), s.CalibrationCount);
            from = $", calibrated on {count} images of {s.Calibration}";
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            transformer.ExportOnnx(path, s.Precision, calibration);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException)
        {
            throw new CliException($"Cannot export {s.Precision}: {e.Message}", ExitCodes.BadInput, e);
        }

        if (s.Out is not null)
            io.Out.WriteLine($"encoder: {path} ({ByolEncoderInfo.FromOnnx(path)}{from})");
    }

    private static void ExportCheckpoint(CliConsole io, string checkpoint, string onnxPath, Settings s, bool announce)
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
        if (announce && s.Out is not null)
            io.Out.WriteLine($"encoder: {onnxPath} ({info})");
    }
}
