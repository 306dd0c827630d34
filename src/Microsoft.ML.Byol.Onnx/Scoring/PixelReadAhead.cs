namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// Double-buffers the batched cursor's pixels: while ONNX Runtime embeds one batch, the next batch's rows are read and
/// resized on the thread pool into the other buffer. Only one read runs at a time, so the leading cursor is never
/// used by two threads at once.
/// </summary>
internal sealed class PixelReadAhead(PixelReader reader, int batchSize, int floatsPerRow) : IDisposable
{
    private float[] _ready = new float[batchSize * floatsPerRow];
    private float[] _spare = new float[batchSize * floatsPerRow];
    private Task<int>? _pending;

    /// <summary>
    /// The next batch (count 0 at the end of the input). Its buffer stays untouched until the following call, which
    /// starts only after the caller is done with it.
    /// </summary>
    public (float[] Buffer, int Count) Next()
    {
        int count;
        if (_pending is not null)
        {
            var pending = _pending;
            _pending = null;
            count = pending.GetAwaiter().GetResult();
            (_ready, _spare) = (_spare, _ready);
        }
        else
        {
            count = Fill(_ready);
        }

        if (count == batchSize)
        {
            float[] spare = _spare;
            _pending = Task.Run(() => Fill(spare));
        }

        return (_ready, count);
    }

    public void Dispose()
    {
        try
        {
            _pending?.Wait();
        }
        catch (AggregateException)
        {
            // The read ahead failed for rows nobody asked for.
        }

        reader.Dispose();
    }

    private int Fill(float[] buffer)
    {
        int count = 0;
        while (count < batchSize && reader.ReadNext(buffer.AsSpan(count * floatsPerRow, floatsPerRow)))
        {
            count++;
        }

        return count;
    }
}
