using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// The streaming, fail-soft form of <see cref="BatchPipeline"/>: pulls the input lazily, one batch at a time, and hands
/// results back in input order as their batch is done. A few workers (as in <see cref="BatchPipeline"/>) each take the
/// next batch, decode it into a pooled buffer (<see cref="ImageSources.FromInputsEach"/>), run the inputs that decoded
/// in one ONNX Runtime call and complete the batch. At most <see cref="MaxInFlight"/> batches exist at once (being
/// decoded, run, or waiting for the caller): a slow caller stops the workers, so memory does not grow with the input.
/// </summary>
/// <remarks>
/// An input that cannot be read becomes a result holding its error. What is not about one input ends the sequence
/// with an exception after the results before it: the input enumerable throwing, an ONNX Runtime failure, the
/// embedder disposed. Each batch runs inside <c>guard</c> (the embedder's lifetime lock, taken and released on the
/// worker's thread).
/// </remarks>
internal sealed class StreamingPipeline(
    ImageSources sources, BatchRunner runner, PixelBufferPool pool, int plane, int batchSize, int workers, Action<Action> guard)
{
    /// <summary>Most batches in flight: two per worker (one being worked on, one done and waiting for the caller).</summary>
    public int MaxInFlight => 2 * workers;

    public async IAsyncEnumerable<ByolEmbedding> Run(
        IEnumerable<EmbedInput> inputs, IProgress<ByolEmbeddingProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(MaxInFlight);
        var batches = Channel.CreateUnbounded<StreamingBatch>(new UnboundedChannelOptions { SingleReader = true });
        using var source = new BatchSource(inputs, batchSize, batches.Writer);
        int threads = Math.Max(1, Environment.ProcessorCount / workers);
        var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(() => Work(source, slots, threads, stop.Token))).ToArray();
        try
        {
            var watch = Stopwatch.StartNew();
            long completed = 0, failed = 0;
            while (await batches.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (batches.Reader.TryRead(out var batch))
                {
                    var results = await batch.Done.Task.WaitAsync(stop.Token).ConfigureAwait(false);
                    slots.Release();
                    completed += results.Length;
                    failed += results.Count(r => !r.Succeeded);
                    progress?.Report(new ByolEmbeddingProgress(completed, failed, watch.Elapsed));
                    foreach (var result in results)
                    {
                        // Checked per result: a batch already done (or a channel already holding batches) does not
                        // look at the token when awaited.
                        stop.Token.ThrowIfCancellationRequested();
                        yield return result;
                    }
                }
            }
        }
        finally
        {
            stop.Cancel();
            source.Stop();
            await Task.WhenAll(tasks).ConfigureAwait(false); // workers end on cancellation without throwing
            while (batches.Reader.TryRead(out var left))
            {
                left.Abandon();
            }
        }
    }

    private async Task Work(BatchSource source, SemaphoreSlim slots, int threads, CancellationToken token)
    {
        float[]? buffer = null;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await slots.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var batch = source.Next();
                if (batch is null)
                {
                    return;
                }

                try
                {
                    buffer ??= pool.Rent();
                    var results = Array.Empty<ByolEmbedding>();
                    guard(() => results = Process(batch.Inputs, buffer, threads));
                    batch.Done.TrySetResult(results);
                }
                catch (Exception e)
                {
                    batch.Abandon();
                    batch.Done.TrySetException(e);
                    source.Stop();
                    return;
                }
            }
        }
        finally
        {
            if (buffer is not null)
            {
                pool.Return(buffer);
            }
        }
    }

    /// <summary>Decodes the batch fail-soft, runs the inputs that decoded (moved together) in one call, and pairs results up.</summary>
    private ByolEmbedding[] Process(List<EmbedInput> inputs, float[] buffer, int threads)
    {
        int n = inputs.Count;
        var errors = new Exception?[n];
        sources.FromInputsEach(inputs, buffer, threads, errors);
        var good = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (errors[i] is null)
            {
                if (count != i)
                {
                    Array.Copy(buffer, i * plane, buffer, count * plane, plane);
                }

                good[count++] = i;
            }
        }

        var vectors = new float[count][];
        if (count > 0)
        {
            runner.Run(buffer, count, vectors, 0);
        }

        var results = new ByolEmbedding[n];
        for (int g = 0; g < count; g++)
        {
            var input = inputs[good[g]];
            results[good[g]] = new ByolEmbedding(input.Index, input.Key, vectors[g], null);
        }

        for (int i = 0; i < n; i++)
        {
            results[i] ??= new ByolEmbedding(inputs[i].Index, inputs[i].Key, null, errors[i]);
        }

        return results;
    }
}
