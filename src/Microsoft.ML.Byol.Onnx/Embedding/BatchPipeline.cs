using System.Runtime.ExceptionServices;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Cuts a list into batches and runs them on a few workers (the calling thread and thread-pool tasks). Each worker
/// takes the next batch, prepares its pixels into its own pooled buffer, runs it through ONNX Runtime, and takes the
/// next: while one worker decodes and resizes, another runs the encoder, with no hand-off between threads. A batch
/// is prepared on several threads only when it is the only one (a small call), so that its latency stays low.
/// </summary>
/// <remarks>
/// On a failure no new batch is started; the error reported is that of the earliest failing batch (batches are taken
/// in order, so every earlier batch has run), which is the error a sequential loop would have raised.
/// </remarks>
internal sealed class BatchPipeline(BatchRunner runner, PixelBufferPool pool, int batchSize, int workers)
{
    /// <summary>
    /// Fills a buffer with the pixels of items [start, start + count), using up to <paramref name="threads"/> threads.
    /// </summary>
    public delegate void Prepare(int start, int count, float[] buffer, int threads);

    /// <summary>Workers for a machine of <paramref name="cores"/> cores: two (overlap) up to half the cores.</summary>
    public static int WorkersFor(int cores) => Math.Max(2, cores / 2);

    public float[][] Run(int total, Prepare prepare)
    {
        var results = new float[total][];
        int batches = (total + batchSize - 1) / batchSize;
        if (batches == 0)
        {
            return results;
        }

        int active = Math.Min(workers, batches);
        int threadsPerBatch = Math.Max(1, Environment.ProcessorCount / active);
        int next = -1;
        int failedBatch = int.MaxValue;
        ExceptionDispatchInfo? failure = null;
        var gate = new object();

        void Work()
        {
            float[]? buffer = null;
            try
            {
                while (true)
                {
                    int batch = Interlocked.Increment(ref next);
                    if (batch >= batches || batch > Volatile.Read(ref failedBatch))
                    {
                        return;
                    }

                    int start = batch * batchSize, count = Math.Min(batchSize, total - start);
                    try
                    {
                        buffer ??= pool.Rent();
                        prepare(start, count, buffer, threadsPerBatch);
                        runner.Run(buffer, count, results, start);
                    }
                    catch (Exception e)
                    {
                        lock (gate)
                        {
                            if (batch < failedBatch)
                            {
                                failedBatch = batch;
                                failure = ExceptionDispatchInfo.Capture(e);
                            }
                        }

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

        // Helpers are claimed by whoever comes first: the helper itself when it starts, or the calling thread once it
        // has run out of batches. A helper the thread pool has not started by then is not waited for.
        var claimed = new int[active - 1];
        int outstanding = claimed.Length;
        using var helpersDone = new ManualResetEventSlim(outstanding == 0);
        void Release()
        {
            if (Interlocked.Decrement(ref outstanding) == 0)
            {
                helpersDone.Set();
            }
        }

        for (int i = 0; i < claimed.Length; i++)
        {
            int helper = i;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                if (Interlocked.Exchange(ref claimed[helper], 1) == 0)
                {
                    try
                    {
                        Work(); // catches everything
                    }
                    finally
                    {
                        Release();
                    }
                }
            }, null);
        }

        Work();
        for (int i = 0; i < claimed.Length; i++)
        {
            if (Interlocked.Exchange(ref claimed[i], 1) == 0)
            {
                Release();
            }
        }

        helpersDone.Wait();
        failure?.Throw();
        return results;
    }
}
