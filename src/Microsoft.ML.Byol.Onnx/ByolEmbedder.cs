using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol;

/// <summary>
/// Embeds images with a BYOL encoder straight on ONNX Runtime, many images per run: the fast path for services and
/// batch jobs. Gives the same embeddings as <see cref="ByolTransformer"/> for the same images.
/// </summary>
/// <remarks>
/// <para>
/// One <see cref="InferenceSession"/> (graph optimisations <c>ORT_ENABLE_ALL</c>; the CUDA execution provider when
/// <see cref="ByolEmbedderOptions.GpuDeviceId"/> is set) runs up to <see cref="ByolEmbedderOptions.BatchSize"/> images
/// at once through the encoder's symbolic batch dimension. Files are decoded, resized and turned into pixels with the
/// SkiaSharp calls of ML.NET's <c>LoadImages</c>, <c>ResizeImages</c> (iso crop, centre) and <c>ExtractPixels</c>
/// (planar RGB, ×1/255), configured as in <see cref="ByolTransformer"/>, without ML.NET views: both paths see the
/// same pixels, bit for bit. Max(2, cores / 2) workers (two up to 5 cores, half the cores above; the calling thread
/// and thread-pool tasks) take the batches in turn, each decoding its batch and then running it, so decoding
/// overlaps inference; a call with a single batch prepares it on all cores. Batch input buffers and decoding bitmaps
/// are pooled and reused.
/// </para>
/// <para>
/// All members are thread-safe: concurrent calls share the session (ONNX Runtime allows concurrent runs) and use
/// their own buffers. <see cref="Dispose"/> waits for running calls to end.
/// </para>
/// </remarks>
public sealed partial class ByolEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly WorkspacePool _workspaces;
    private readonly ImageSources _sources;
    private readonly PixelBufferPool _pool;
    private readonly BatchRunner _runner;
    private readonly BatchPipeline _pipeline;
    private readonly StreamingPipeline _streaming;
    private readonly ReaderWriterLockSlim _life = new(LockRecursionPolicy.SupportsRecursion);
    private bool _disposed;

    private ByolEmbedder(InferenceSession session, ByolEncoderInfo info, int batchSize, string provider, long maxImagePixels, bool reducedDecoding)
    {
        _session = session;
        EncoderInfo = info;
        BatchSize = batchSize;
        ExecutionProvider = provider;
        var preprocessor = new ImageBatchPreprocessor(new MLContext(), info.ImageSize);
        _workspaces = new WorkspacePool(info.ImageSize, maxKept: 2 * Environment.ProcessorCount + 2, maxImagePixels, reducedDecoding);
        _sources = new ImageSources(preprocessor, _workspaces, maxImagePixels);
        _pool = new PixelBufferPool(batchSize * preprocessor.PixelsPerImage, maxKept: 2 * Environment.ProcessorCount + 2);
        _runner = new BatchRunner(session, info);
        _pipeline = new BatchPipeline(_runner, _pool, batchSize, BatchPipeline.WorkersFor(Environment.ProcessorCount));
        _streaming = new StreamingPipeline(_sources, _runner, _pool, preprocessor.PixelsPerImage, batchSize,
            BatchPipeline.WorkersFor(Environment.ProcessorCount), GuardedBatch);
    }

    /// <summary>Length of each embedding.</summary>
    public int EmbeddingSize => EncoderInfo.EmbeddingSize;

    /// <summary>What the encoder's ONNX file says about itself (image size, embedding size, ...).</summary>
    public ByolEncoderInfo EncoderInfo { get; }

    /// <summary>Most images per ONNX Runtime run.</summary>
    public int BatchSize { get; }

    /// <summary>Where the session runs: <c>"CPU"</c>, or <c>"CUDA:n"</c> for CUDA device n.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Opens a BYOL encoder's ONNX file for batched scoring.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a BYOL encoder.</exception>
    /// <exception cref="InvalidOperationException">A GPU was asked for, cannot be used, and fallback is off.</exception>
    public static ByolEmbedder Load(string onnxModelPath, ByolEmbedderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxModelPath);
        if (!File.Exists(onnxModelPath))
        {
            throw new FileNotFoundException($"The BYOL encoder file '{onnxModelPath}' was not found.", onnxModelPath);
        }

        var info = ByolEncoderInfo.FromOnnx(onnxModelPath);
        return Create(File.ReadAllBytes(onnxModelPath), info, options ?? new ByolEmbedderOptions(), $"'{onnxModelPath}'");
    }

    /// <summary>
    /// Opens a BYOL encoder's ONNX file for batched scoring under an ML.NET context: with no
    /// <see cref="ByolEmbedderOptions.GpuDeviceId"/>, the context's <see cref="MLContext.GpuDeviceId"/> and
    /// <see cref="MLContext.FallbackToCpu"/> apply, as in ML.NET's <c>ApplyOnnxModel</c>; the execution provider used
    /// (and a fallback to the CPU, as a warning) is written to <see cref="MLContext.Log"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a BYOL encoder.</exception>
    /// <exception cref="InvalidOperationException">A GPU was asked for, cannot be used, and fallback is off.</exception>
    public static ByolEmbedder Load(MLContext mlContext, string onnxModelPath, ByolEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(onnxModelPath);
        if (!File.Exists(onnxModelPath))
        {
            throw new FileNotFoundException($"The BYOL encoder file '{onnxModelPath}' was not found.", onnxModelPath);
        }

        var info = ByolEncoderInfo.FromOnnx(onnxModelPath);
        return Create(File.ReadAllBytes(onnxModelPath), info, options ?? new ByolEmbedderOptions(), $"'{onnxModelPath}'", mlContext);
    }

    /// <summary>Opens an encoder given as ONNX bytes (used by tests and the training package).</summary>
    internal static ByolEmbedder FromBytes(byte[] onnxModel, ByolEmbedderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        return Create(onnxModel, ByolEncoderInfo.FromOnnxBytes(onnxModel), options ?? new ByolEmbedderOptions(), "the encoder");
    }

    /// <summary>
    /// Embeds images of any size (resized as <see cref="ByolTransformer"/> does). The images are consumed (disposed),
    /// as ML.NET's image transforms consume the images they read; images not of the encoder's size go through those
    /// transforms.
    /// </summary>
    /// <returns>One array of <see cref="EmbeddingSize"/> floats per image, in order.</returns>
    /// <exception cref="ArgumentException">An image is null.</exception>
    /// <exception cref="InvalidDataException">
    /// An image cannot be read (e.g. already disposed), or has more pixels than
    /// <see cref="ByolEmbedderOptions.MaxImagePixels"/>; the message gives its index.
    /// </exception>
    public float[][] Embed(IReadOnlyList<MLImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
            {
                throw new ArgumentException($"Image {i} is null.", nameof(images));
            }
        }

        return Guarded(() => _pipeline.Run(images.Count, (start, count, buffer, threads) => _sources.FromImages(images, start, count, buffer, threads)));
    }

    /// <summary>
    /// Decodes image files (any format ML.NET's <c>LoadImages</c> reads) and embeds them. Each file's declared size
    /// is read from its header and checked against <see cref="ByolEmbedderOptions.MaxImagePixels"/> before any pixel
    /// memory is allocated. Transparent pixels come out black, as in <c>LoadImages</c> (alpha is premultiplied into
    /// the colours, then dropped).
    /// </summary>
    /// <returns>One array of <see cref="EmbeddingSize"/> floats per file, in order.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist (the message names it).</exception>
    /// <exception cref="InvalidDataException">
    /// A file cannot be decoded as an image, declares more pixels than <see cref="ByolEmbedderOptions.MaxImagePixels"/>,
    /// or its pixels cannot be allocated (the message names the file, and the declared size).
    /// </exception>
    public float[][] EmbedFiles(IReadOnlyList<string> imagePaths)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        for (int i = 0; i < imagePaths.Count; i++)
        {
            if (string.IsNullOrEmpty(imagePaths[i]))
            {
                throw new ArgumentException($"Image path {i} is null or empty.", nameof(imagePaths));
            }
        }

        return Guarded(() => _pipeline.Run(imagePaths.Count, (start, count, buffer, threads) => _sources.FromFiles(imagePaths, start, count, buffer, threads)));
    }

    /// <summary>
    /// Embeds images already resized and scaled: <paramref name="count"/> images of planar R, G, B floats in [0, 1],
    /// [count, 3, S, S] with S = <see cref="ByolEncoderInfo.ImageSize"/> (as the transformer's float-vector input).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The span does not hold count×3×S×S values, or holds a NaN or infinite value (the message gives the image and the index).
    /// </exception>
    public float[][] EmbedPixels(ReadOnlySpan<float> chwPixels, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int size = EncoderInfo.ImageSize, plane = 3 * size * size;
        if ((long)count * plane != chwPixels.Length)
        {
            throw new ArgumentException(
                $"Expected {count}×3×{size}×{size} = {(long)count * plane} pixel values for {count} images, got {chwPixels.Length}.", nameof(chwPixels));
        }

        if (FiniteValues.FirstNonFinite(chwPixels) is int bad)
        {
            throw new ArgumentException(
                $"Image {bad / plane} holds {chwPixels[bad]} at index {bad % plane}; pixels must be finite (in [0, 1]).", nameof(chwPixels));
        }

        _life.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var results = new float[count][];
            var buffer = _pool.Rent();
            try
            {
                for (int start = 0; start < count; start += BatchSize)
                {
                    int n = Math.Min(BatchSize, count - start);
                    chwPixels.Slice(start * plane, n * plane).CopyTo(buffer);
                    _runner.Run(buffer, n, results, start);
                }
            }
            finally
            {
                _pool.Return(buffer);
            }

            return results;
        }
        finally
        {
            _life.ExitReadLock();
        }
    }

    /// <summary>Waits for running calls, then releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        _life.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _session.Dispose();
            _workspaces.Dispose();
        }
        finally
        {
            _life.ExitWriteLock();
        }
    }

    private static ByolEmbedder Create(byte[] model, ByolEncoderInfo info, ByolEmbedderOptions options, string source, MLContext? context = null)
    {
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be 1 or more.");
        }

        if (options.GpuDeviceId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.GpuDeviceId, "GpuDeviceId must be 0 or more (null for CPU).");
        }

        ImageLimits.RequirePositive(options.MaxImagePixels, nameof(options));
        if (options.IntraOpThreads is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads, "IntraOpThreads must be 0 (default) or more.");
        }

        var session = EmbedderSession.Open(model, options, source, out string provider, context);
        try
        {
            return new ByolEmbedder(session, info, BatchSizeFor(session, info, options.BatchSize, source), provider, options.MaxImagePixels, options.ReducedSizeDecoding);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The requested batch size, or 1 when the encoder was written with a fixed batch of 1.</summary>
    internal static int BatchSizeFor(InferenceSession session, ByolEncoderInfo info, int requested, string source)
    {
        int[] dims = session.InputMetadata[info.OnnxInputName].Dimensions;
        return dims.Length == 0 || dims[0] <= 0 ? requested
            : dims[0] == 1 ? 1
            : throw new InvalidDataException($"The input of {source} has a fixed batch of {dims[0]}; the embedder needs a symbolic batch dimension.");
    }

    private float[][] Guarded(Func<float[][]> run)
    {
        _life.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return run();
        }
        finally
        {
            _life.ExitReadLock();
        }
    }

    /// <summary>Runs one streaming batch under the lifetime lock (entered and left on the worker's thread).</summary>
    private void GuardedBatch(Action run)
    {
        _life.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            run();
        }
        finally
        {
            _life.ExitReadLock();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
