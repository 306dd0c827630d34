namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Cuts a list into batches and overlaps their two stages: while ONNX Runtime embeds batch k on the calling thread,
/// batch k + 1 is decoded and resized on the thread pool into a second pooled buffer.
/// </summary>
internal sealed class BatchPipeline(BatchRunner runner, PixelBufferPool pool, int batchSize)
{
    /// <summary>Fills a buffer with the pixels of items [start, start + count).</summary>
    public delegate void Prepare(int start, int count, float[] buffer);

    public float[][] Run(int total, Prepare prepare)
    {
        var results = new float[total][];
        if (total == 0)
        {
            return results;
        }

        float[]? current = pool.Rent();
        try
        {
            prepare(0, Math.Min(batchSize, total), current);
            for (int start = 0; start < total; start += batchSize)
            {
                int count = Math.Min(batchSize, total - start), nextStart = start + batchSize;
                float[]? nextBuffer = null;
                Task? next = null;
                if (nextStart < total)
                {
                    nextBuffer = pool.Rent();
                    int nextCount = Math.Min(batchSize, total - nextStart);
                    next = Task.Run(() => prepare(nextStart, nextCount, nextBuffer));
                }

                float[] batch = current!; // null only after the last batch
                try
                {
                    runner.Run(batch, count, results, start);
                }
                catch
                {
                    Finish(next, observeOnly: true);
                    if (nextBuffer is not null)
                    {
                        pool.Return(nextBuffer);
                    }

                    throw;
                }

                pool.Return(batch);
                current = null;
                if (next is not null)
                {
                    try
                    {
                        Finish(next, observeOnly: false);
                    }
                    catch
                    {
                        pool.Return(nextBuffer!);
                        throw;
                    }

                    current = nextBuffer;
                }
            }
        }
        finally
        {
            if (current is not null)
            {
                pool.Return(current);
            }
        }

        return results;
    }

    private static void Finish(Task? task, bool observeOnly)
    {
        if (task is null)
        {
            return;
        }

        if (observeOnly)
        {
            // Already failing: wait so the buffer is free again, and drop this batch's own error.
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
            }

            return;
        }

        task.GetAwaiter().GetResult();
    }
}
