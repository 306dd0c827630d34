using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Recipes;
using Microsoft.ML.Byol.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol;

/// <summary>
/// Pretrains an image encoder with BYOL (Bootstrap Your Own Latent) on the images of a column, without labels, and
/// returns a <see cref="ByolTransformer"/> that maps that column to an embedding column through the exported
/// ONNX encoder. Create it with <c>mlContext.Transforms.ByolPretrain(...)</c>.
/// </summary>
/// <remarks>
/// <see cref="Fit"/> reads the input once into an 8-bit image cache (resized to <see cref="ByolOptions.ImageSize"/>
/// with ML.NET's own ResizeImages, center crop), trains the online and target networks with TorchSharp on the
/// chosen device (LARS, cosine learning-rate and τ schedules), exports the online encoder to ONNX and builds the
/// scoring transformer, which needs no TorchSharp.
/// </remarks>
public sealed class ByolEstimator : IEstimator<ByolTransformer>
{
    private readonly TransformsCatalog _catalog;
    private readonly IHost _host;
    private readonly ByolOptions _options;

    /// <summary>An estimator over the user's catalog: the transformer <see cref="Fit"/> returns is built on it.</summary>
    internal ByolEstimator(TransformsCatalog catalog, ByolOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ByolOptionsValidation.Validate(options);
        _catalog = catalog;
        _host = MlNetInternals.EnvironmentOf(catalog).Register(nameof(ByolEstimator));
        _options = options;
    }

    /// <summary>The options this estimator trains with.</summary>
    public ByolOptions Options => _options;

    /// <summary>
    /// Checks the input column (an MLImage column, or a known-size float vector of C×H×W pixels with C = 1 or 3) and
    /// announces the output column: a known-size float vector of the encoder's representation size.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ByolOptionsValidation.Validate(_options);
        InputColumn.Check(inputSchema, _options.InputColumnName);
        return SchemaShapeColumns.With(inputSchema, SchemaShapeColumns.FloatVector(_options.OutputColumnName));
    }

    /// <summary>Trains the encoder on <paramref name="input"/> and returns the scoring transformer.</summary>
    /// <exception cref="ArgumentException">An option, the input column or the data is invalid (checked before training).</exception>
    /// <exception cref="InvalidOperationException">
    /// A row's image cannot be used (missing, empty or undecodable file, or no image; the message names the row and
    /// file) and <see cref="ByolOptions.InvalidImageHandling"/> is Throw; or no row's image can be used.
    /// </exception>
    /// <exception cref="InvalidDataException">
    /// <see cref="ByolOptions.InitialEncoderPath"/> is not a ResNet this library can read; or an image is larger than
    /// <see cref="ByolOptions.MaxImagePixels"/>, or its pixels cannot be allocated (the message names the row and, when
    /// known, the file), and <see cref="ByolOptions.InvalidImageHandling"/> is Throw.
    /// </exception>
    /// <exception cref="OperationCanceledException"><see cref="ByolOptions.CancellationToken"/> was cancelled.</exception>
    public ByolTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ByolOptionsValidation.Validate(_options);
        var column = InputColumn.Describe(input.Schema, _options.InputColumnName);
        ByolRecipe.CheckEmbeddingImageSize(_options, column.IsImage);   // before the cache pass
        int seed = _options.Seed ?? _host.Rand.Next();

        using var channel = _host.Start("BYOL pretraining");
        void Log(string message) => channel.Info(MessageSensitivity.None, message);

        var initial = InitialEncoder(Log);
        var keptRows = new List<int>();
        var decoding = new CacheDecoding(_options.ImageSize, _options.SourceImageSide, _options.MaxImagePixels, _options.ReducedSizeDecoding);
        using var store = ImageCacheBuilder.Build(_catalog, input, _options.InputColumnName, decoding,
            _options.MaxCacheMemoryBytes ?? DefaultCacheBudget(), Log, _options.CancellationToken,
            invalidImages: _options.InvalidImageHandling, keptRows: keptRows);
        var monitor = _options.MonitorLabelColumnName is { } label
            ? KnnMonitor.Create(store, MonitorLabels.Read(_catalog, input, label, keptRows), seed, imageSize: _options.ImageSize)
            : null;
        var threads = TorchRuntime.ChooseThreads(_options.NumberOfThreads);   // from the load when the run starts, for all of it
        var run = RunPlanner.Plan(_options, store, initial, seed, monitor, Log, threads, column.IsImage);

        using var result = new ByolTrainer(run, _options, Log, threads).Train(store, initial, monitor);
        string? note = result.Kept is { } kept ? $"kept the encoder of step {kept.Step} (kNN monitor {kept.Accuracy:F4})" : null;
        var summary = run.Summary(result.StepsDone, result.Device, result.Elapsed, result.FinalLoss, note);
        byte[] onnx = EncoderExporter.Export(result.Encoder, run.EmbeddingSide(), foldBatchNorm: true, summary);
        Log($"BYOL: exported the online encoder to ONNX ({onnx.Length / 1024.0 / 1024.0:F1} MB; {run.EmbeddingSide()} px images → " +
            $"{run.Encoder.Layout().EmbeddingSize}-d embeddings).");
        return ByolTransformer.Create(_catalog, onnx, _options.OutputColumnName, _options.InputColumnName, gpuDeviceId: null, fallbackToCpu: true, _options.MaxImagePixels);
    }

    /// <summary>
    /// The checkpoints in <see cref="ByolOptions.CheckpointDirectory"/> that verify (length and checksum), oldest step
    /// first (empty when there is no folder). A damaged file is left out, with a warning in the MLContext log naming
    /// it; it never makes this method throw. Keep more of them with <see cref="ByolOptions.CheckpointsToKeep"/>.
    /// </summary>
    public IReadOnlyList<ByolCheckpointInfo> GetCheckpoints()
    {
        if (_options.CheckpointDirectory is not { } directory)
            return Array.Empty<ByolCheckpointInfo>();
        using var channel = _host.Start("BYOL checkpoints");
        return CheckpointStore.ListVerified(directory, (_, reason) => channel.Warning(MessageSensitivity.None, $"BYOL: GetCheckpoints left out a checkpoint that does not verify: {reason}"))
            .Reverse()
            .Select(c => new ByolCheckpointInfo(c.Metadata.Step, c.Path, c.Metadata.WrittenUtc, c.Metadata.LastLoss))
            .ToList();
    }

    /// <summary>
    /// Writes the online encoder of a checkpoint as ONNX, the same format <see cref="Fit"/> exports (BatchNorm
    /// folded): what the run had learnt at that step, for evaluation during training or to keep an earlier encoder.
    /// Load it with <c>ApplyByolEncoder</c> or <c>ByolEmbedder</c>. Its BatchNorm statistics are those of training:
    /// the re-estimation on whole pictures that <see cref="Fit"/> does at the end of a run
    /// (<see cref="ByolOptions.RecalibrateEncoderBatchNorm"/>) needs the images, which a checkpoint does not hold.
    /// </summary>
    /// <param name="checkpointPath">A checkpoint of a run with this estimator's network options (architecture, width, stem, image size).</param>
    /// <param name="onnxPath">Where to write the ONNX model.</param>
    /// <exception cref="InvalidOperationException">The checkpoint holds another network.</exception>
    /// <exception cref="InvalidDataException">The file is not a BYOL checkpoint or is damaged (it does not verify); the message names it.</exception>
    public void ExportCheckpointOnnx(string checkpointPath, string onnxPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        if (!File.Exists(checkpointPath))
            throw new FileNotFoundException($"The checkpoint '{checkpointPath}' does not exist.", checkpointPath);
        using (var channel = _host.Start("BYOL checkpoint export"))
        {
            foreach (var line in Torch.TorchRuntime.EnsureInitialized())
                channel.Info(MessageSensitivity.None, line);
        }
        var (encoder, run, step) = CheckpointEncoder.Load(checkpointPath, _options);
        using (encoder)
        {
            var summary = run.Summary(step, "checkpoint", TimeSpan.Zero, finalLoss: null, note: "checkpoint " + Path.GetFileName(checkpointPath));
            File.WriteAllBytes(onnxPath, EncoderExporter.Export(encoder, run.EmbeddingSide(), foldBatchNorm: true, summary));
        }
    }

    /// <summary>Reads <see cref="ByolOptions.InitialEncoderPath"/> (null when unset) and says what it found.</summary>
    private ImportedEncoder? InitialEncoder(Action<string> log)
    {
        if (_options.InitialEncoderPath is not { } path)
            return null;
        foreach (var line in Torch.TorchRuntime.EnsureInitialized())
            log(line);
        var initial = EncoderImport.Read(path);
        var layout = initial.Layout;
        log($"BYOL: initial encoder '{path}': {initial.Format}, {layout.Architecture} ×{layout.WidthMultiplier} " +
            $"(blocks {string.Join(",", layout.BlocksPerStage)}, {(layout.SmallImageStem ? "small-image" : "standard")} stem); {initial.Description}.");
        return initial;
    }

    /// <summary>Half of the memory this process may use.</summary>
    private static long DefaultCacheBudget() => Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);
}
