using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol;

/// <summary>
/// Scores a BYOL image encoder in ML.NET: adds a column holding the embedding (a vector of
/// <see cref="ByolEncoderInfo.EmbeddingSize"/> floats) of each row's image.
/// </summary>
/// <remarks>
/// <para>
/// Inside, this is a chain of ML.NET's own transformers. For an <see cref="MLImage"/> input column:
/// <c>ResizeImages</c> (to <see cref="ByolEncoderInfo.ImageSize"/>, isotropic, centre crop — the resizing used to
/// build the training cache) → <c>ExtractPixels</c> (planar R, G, B, scaled by 1/255) → <c>OnnxTransformer</c>
/// → <c>DropColumns</c> of the temporary columns. ML.NET's image transforms dispose the images they read.
/// For a known-size float vector input column of C×S×S pixels (C = 1 or 3, S = <see cref="ByolEncoderInfo.ImageSize"/>,
/// planar, values in [0, 1]): <c>OnnxTransformer</c> only; a single grey plane is repeated into R, G and B inside
/// the model. Vectors of bytes-as-floats in [0, 255] must be scaled by the caller (e.g. <c>NormalizeMinMax</c> or
/// a custom mapping dividing by 255); this transformer does not guess the range.
/// </para>
/// <para>
/// <see cref="Transform"/> returns a view with that chain's schema and values whose cursors score in batches: when the
/// embedding column is read, up to <see cref="DefaultBatchSize"/> rows' pixels (made by the chain's own ResizeImages and
/// ExtractPixels, or read from the float vector) go through one ONNX Runtime run of the encoder as given, while the
/// chain's own cursor, with the embedding off, serves the other columns. Prediction engines
/// (<see cref="GetRowToRowMapper"/>) use the per-row chain.
/// </para>
/// <para>
/// ML.NET transformers bind to an input schema, so the chain is built on first use for each input column type and
/// cached. <see cref="ICanSaveModel.Save"/> delegates to the chain built last (the MLImage chain when none has been
/// built), so <c>mlContext.Model.Save</c> writes only ML.NET's own transformers — with the ONNX bytes inside the zip
/// — and <c>mlContext.Model.Load</c> works in an application that references only Microsoft.ML,
/// Microsoft.ML.ImageAnalytics and Microsoft.ML.OnnxTransformer.
/// </para>
/// <para>
/// Reliability of <see cref="Transform"/>'s batched view (the per-row chain of prediction engines and of a saved zip is
/// ML.NET's own, and checks neither): an <see cref="MLImage"/> column that is the direct output of <c>LoadImages</c>
/// has each row's file header checked against <see cref="MaxImagePixels"/> before ML.NET decodes the file, so a small
/// file declaring a huge image is refused with an <see cref="InvalidDataException"/> naming the column and the file
/// (not always the row: ML.NET decodes those rows ahead on several threads); any
/// other MLImage column (in-memory images, or images transformed after loading) can only be checked once ML.NET has
/// decoded it, which does not prevent the allocation. Float-vector rows holding NaN or an infinity are refused with an
/// <see cref="InvalidDataException"/> naming the row. Transparent pixels come out black: ML.NET's <c>MLImage</c>
/// premultiplies alpha into the colours, and the alpha channel is then dropped; training sees the same pixels.
/// </para>
/// <para>
/// The transformer owns a temporary folder holding the ONNX files its OnnxTransformers read; <see cref="Dispose"/>
/// releases the ONNX Runtime sessions and deletes that folder.
/// </para>
/// </remarks>
public sealed partial class ByolTransformer : ITransformer, IDisposable
{
    private readonly byte[] _onnxModel;
    private readonly PrivateModelFolder _folder;
    private readonly ScoringChainBuilder _builder;
    private readonly Dictionary<InputFormat, ScoringChain> _chains = new();
    private readonly BatchScorer _scorer;
    private readonly object _gate = new();
    private TransformerChain<ITransformer>? _lastUsed;
    private bool _disposed;

    private ByolTransformer(
        TransformsCatalog transforms, byte[] onnxModel, ByolEncoderInfo info, string outputColumnName, string inputColumnName,
        int? gpuDeviceId, bool fallbackToCpu, long maxImagePixels)
    {
        _onnxModel = onnxModel;
        MaxImagePixels = maxImagePixels;
        EncoderInfo = info;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _folder = new PrivateModelFolder();
        var env = MlNetInternals.EnvironmentOf(transforms);
        var (device, fallback) = ResolveGpu(env, gpuDeviceId, fallbackToCpu);
        ExecutionProvider = device is int id ? $"CUDA:{id}" : "CPU";
        _builder = new ScoringChainBuilder(transforms, onnxModel, info, inputColumnName, outputColumnName, device, fallback, _folder);
        _scorer = new BatchScorer(onnxModel, info, DefaultBatchSize, device, fallback, env);
    }

    /// <summary>Most rows <see cref="Transform"/>'s view scores per ONNX Runtime run.</summary>
    public const int DefaultBatchSize = 32;

    /// <summary>What the encoder's ONNX file says about itself (image size, embedding size, normalisation, ...).</summary>
    public ByolEncoderInfo EncoderInfo { get; }

    /// <summary>The column read: an MLImage column, or a known-size float vector of C×S×S pixels in [0, 1].</summary>
    public string InputColumnName { get; }

    /// <summary>The column added: a known-size vector of <see cref="ByolEncoderInfo.EmbeddingSize"/> floats.</summary>
    public string OutputColumnName { get; }

    /// <summary>
    /// Largest image <see cref="Transform"/>'s batched view accepts, in pixels (width × height): the transformer from
    /// <c>ByolPretrain</c> takes <c>ByolOptions.MaxImagePixels</c>, the one from <c>ApplyByolEncoder</c> 100 000 000.
    /// </summary>
    public long MaxImagePixels { get; }

    /// <summary>
    /// Where the encoder is asked to run: <c>"CPU"</c>, or <c>"CUDA:n"</c> (ML.NET's OnnxTransformer and the batched
    /// session may still fall back to the CPU when CUDA fails at run time and fallback is allowed; that is logged).
    /// </summary>
    public string ExecutionProvider { get; }

    /// <summary>True: every row maps to one row.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Path of the folder holding this transformer's private ONNX files (deleted on dispose).</summary>
    internal string PrivateFolder => _folder.Path;

    /// <summary>
    /// Creates the transformer for an encoder's ONNX bytes over the user's catalog (used by the training package's
    /// estimator): its ML.NET transformers, GPU settings and log are those of the catalog's context.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a BYOL encoder.</exception>
    internal static ByolTransformer Create(
        TransformsCatalog transforms, byte[] onnxModel, string outputColumnName, string inputColumnName, int? gpuDeviceId, bool fallbackToCpu,
        long maxImagePixels = ImageLimits.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(onnxModel);
        return Create(transforms, onnxModel, ByolEncoderInfo.FromOnnxBytes(onnxModel),
            outputColumnName, inputColumnName, gpuDeviceId, fallbackToCpu, maxImagePixels);
    }

    /// <summary>Creates the transformer over a catalog, for an encoder already described by <paramref name="info"/>.</summary>
    internal static ByolTransformer Create(
        TransformsCatalog transforms, byte[] onnxModel, ByolEncoderInfo info, string outputColumnName, string inputColumnName,
        int? gpuDeviceId, bool fallbackToCpu, long maxImagePixels = ImageLimits.DefaultMaxPixels)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        if (gpuDeviceId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(gpuDeviceId), gpuDeviceId, "A GPU device id is 0 or more (null for CPU).");
        }

        ImageLimits.RequirePositive(maxImagePixels, nameof(maxImagePixels));
        return new ByolTransformer(transforms, (byte[])onnxModel.Clone(), info, outputColumnName, inputColumnName, gpuDeviceId, fallbackToCpu, maxImagePixels);
    }

    /// <summary>Checks the input column and returns the input schema plus the embedding column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing.</exception>
    /// <exception cref="ArgumentException">The input column has a type the encoder cannot read.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => ChainFor(inputSchema).Chain.GetOutputSchema(inputSchema);

    /// <summary>
    /// Adds the embedding column to <paramref name="input"/> (lazily, as every ML.NET transform). The view has the
    /// per-row chain's schema and values, but a cursor that reads the embedding scores up to
    /// <see cref="DefaultBatchSize"/> rows per ONNX Runtime run. It reads the input twice in step (pixels ahead, the
    /// other columns behind), so the input must give the same rows in the same order each time; it cannot shuffle.
    /// Reading the embedding throws <see cref="InvalidDataException"/> for an image larger than
    /// <see cref="MaxImagePixels"/> (naming its file when known) and for a float-vector row holding NaN or an
    /// infinity (naming the row); see the remarks.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scoring = ChainFor(input.Schema);
        return new BatchedScoringView(input, scoring.Chain.Transform(input), scoring, _scorer, InputColumnName, OutputColumnName, MaxImagePixels);
    }

    /// <summary>The per-row chain's own view (one ONNX Runtime run per row): the reference the batched view must equal.</summary>
    internal IDataView TransformPerRow(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ChainFor(input.Schema).Chain.Transform(input);
    }

    /// <summary>The row-to-row mapper of the inner per-row chain (used by prediction engines).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        ((ITransformer)ChainFor(inputSchema).Chain).GetRowToRowMapper(inputSchema);

    /// <summary>Writes the encoder's ONNX model (as given, not the private copy adapted for ML.NET) to a file.</summary>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ThrowIfDisposed();
        File.WriteAllBytes(path, _onnxModel);
    }

    /// <summary>Writes the encoder's ONNX model (as given, not the private copy adapted for ML.NET) to a stream.</summary>
    public void ExportOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        stream.Write(_onnxModel);
    }

    /// <summary>Releases the ONNX Runtime sessions and deletes the private ONNX files.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _scorer.Dispose();
            foreach (var scoring in _chains.Values)
            {
                scoring.Chain.Dispose();
            }

            _chains.Clear();
            _lastUsed = null;
            _folder.Dispose();
        }
    }

    /// <summary>Saves ML.NET's own transformers (the chain built last; the MLImage chain when none was built).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        TransformerChain<ITransformer> chain;
        lock (_gate)
        {
            ThrowIfDisposed();
            chain = _lastUsed ?? ChainFor(InputFormat.Image, ImageOnlySchema()).Chain;
        }

        ((ICanSaveModel)chain).Save(ctx);
    }

    /// <summary>
    /// ML.NET's rule (<see cref="ExecutionProviderChoice"/>): the explicit device, else <c>MLContext.GpuDeviceId</c>
    /// with <c>MLContext.FallbackToCpu</c>. When this ONNX Runtime has no CUDA execution provider at all, the CPU is
    /// chosen here (logged) or the creation fails clearly, instead of at the first row.
    /// </summary>
    private static (int? Device, bool Fallback) ResolveGpu(IHostEnvironment env, int? gpuDeviceId, bool fallbackToCpu)
    {
        var (contextId, contextFallback) = MlNetInternals.GpuSettingsOf(env);
        var asked = ExecutionProviderChoice.Decide(gpuDeviceId, fallbackToCpu, contextId, contextFallback, null);
        if (asked.CudaDevice is null || EmbedderSession.CudaUnavailable() is not string missing)
        {
            return (asked.CudaDevice, asked.FallbackToCpu);
        }

        var decision = ExecutionProviderChoice.Decide(gpuDeviceId, fallbackToCpu, contextId, contextFallback, missing);
        if (decision.Error is not null)
        {
            throw new InvalidOperationException($"ByolTransformer: {decision.Error}");
        }

        using var channel = env.Register("ByolOnnx").Start("ExecutionProvider");
        channel.Warning(MessageSensitivity.None, $"ByolTransformer: {decision.Message}");
        return (null, true);
    }

    private ScoringChain ChainFor(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var format = InputColumn.ForEncoder(inputSchema, InputColumnName, EncoderInfo.ImageSize).Format;
        return ChainFor(format, inputSchema);
    }

    private ScoringChain ChainFor(InputFormat format, DataViewSchema inputSchema)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_chains.TryGetValue(format, out var scoring))
            {
                scoring = _builder.Build(format, inputSchema);
                _chains.Add(format, scoring);
            }

            _lastUsed = scoring.Chain;
            return scoring;
        }
    }

    private DataViewSchema ImageOnlySchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(InputColumnName, new ImageDataViewType());
        return builder.ToSchema();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
