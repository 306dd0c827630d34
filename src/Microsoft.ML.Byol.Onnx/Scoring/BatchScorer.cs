using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// The transformer's batched ONNX Runtime session over the encoder as given ([N, 3, S, S] → [N, D]), opened on first
/// use exactly as the embedder opens its own (graph optimisations on, CUDA when asked). Runs are concurrent (ONNX
/// Runtime allows it); <see cref="Dispose"/> waits for running batches to end.
/// </summary>
internal sealed class BatchScorer(
    byte[] encoder, ByolEncoderInfo info, int requestedBatchSize, int? gpuDeviceId, bool fallbackToCpu, Microsoft.ML.Runtime.IHostEnvironment? log = null)
    : IDisposable
{
    private readonly ReaderWriterLockSlim _life = new();
    private readonly object _open = new();
    private InferenceSession? _session;
    private BatchRunner? _runner;
    private int _batchSize;
    private bool _disposed;

    public ByolEncoderInfo Info => info;

    /// <summary>Most rows per run (1 when the encoder was written with a fixed batch of 1).</summary>
    public int BatchSize
    {
        get
        {
            Open();
            return _batchSize;
        }
    }

    /// <summary>Embeds the first <paramref name="count"/> images of <paramref name="pixels"/> into results[0..count).</summary>
    public void Run(float[] pixels, int count, float[][] results)
    {
        _life.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Open().Run(pixels, count, results, 0);
        }
        finally
        {
            _life.ExitReadLock();
        }
    }

    public void Dispose()
    {
        _life.EnterWriteLock();
        try
        {
            _disposed = true;
            _session?.Dispose();
            _session = null;
        }
        finally
        {
            _life.ExitWriteLock();
        }
    }

    private BatchRunner Open()
    {
        lock (_open)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_runner is null)
            {
                var options = new ByolEmbedderOptions { GpuDeviceId = gpuDeviceId, FallbackToCpu = fallbackToCpu };
                // The device is already resolved (explicit or the context's): the context is only the log here.
                _session = EmbedderSession.Open(encoder, options, "the encoder", out _, log, followContextGpu: false);
                _batchSize = ByolEmbedder.BatchSizeFor(_session, info, requestedBatchSize, "the encoder");
                _runner = new BatchRunner(_session, info);
            }

            return _runner;
        }
    }
}
