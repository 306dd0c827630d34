using System.Collections.Concurrent;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Reuses the input buffers of whole batches ([BatchSize, 3, S, S] floats) across runs and callers: each run of a batch
/// rents one, so concurrent callers never share a buffer and a busy service allocates none after warm-up.
/// </summary>
internal sealed class PixelBufferPool(int bufferLength, int maxKept)
{
    private readonly ConcurrentBag<float[]> _free = new();

    public float[] Rent() => _free.TryTake(out var buffer) ? buffer : new float[bufferLength];

    public void Return(float[] buffer)
    {
        if (buffer.Length == bufferLength && _free.Count < maxKept)
        {
            _free.Add(buffer);
        }
    }
}
