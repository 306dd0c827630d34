using System.Threading.Channels;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Pulls the caller's inputs lazily, one batch per <see cref="Next"/> (under a lock: the enumerator is not
/// thread-safe), and posts each batch to the caller's channel in order before a worker starts on it. When the
/// enumerator throws, the items pulled before are still posted, then the channel ends with that exception.
/// </summary>
internal sealed class BatchSource(IEnumerable<EmbedInput> inputs, int batchSize, ChannelWriter<StreamingBatch> batches) : IDisposable
{
    private readonly object _gate = new();
    private IEnumerator<EmbedInput>? _enumerator;
    private bool _ended;

    /// <summary>The next batch (already posted), or null when the input is exhausted or the run stopped.</summary>
    public StreamingBatch? Next()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            var items = new List<EmbedInput>(batchSize);
            Exception? failure = null;
            try
            {
                _enumerator ??= inputs.GetEnumerator();
                while (items.Count < batchSize && _enumerator.MoveNext())
                {
                    items.Add(_enumerator.Current);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }

            StreamingBatch? batch = null;
            if (items.Count > 0)
            {
                batch = new StreamingBatch(items);
                batches.TryWrite(batch);
            }

            if (failure is not null || items.Count < batchSize)
            {
                _ended = true;
                batches.TryComplete(failure);
            }

            return batch;
        }
    }

    /// <summary>Pulls nothing more; the caller's channel ends after the batches posted.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _ended = true;
            batches.TryComplete();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _ended = true;
            _enumerator?.Dispose();
        }
    }
}
