using System.Collections.Concurrent;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Keeps <see cref="ImageWorkspace"/>s (with their native bitmaps) for reuse by the threads that prepare batches, so
/// that a busy embedder creates none after warm-up. <see cref="Dispose"/> (called once no call runs) releases those kept.
/// </summary>
internal sealed class WorkspacePool(int imageSize, int maxKept, long maxPixels = ImageLimits.DefaultMaxPixels, bool reducedDecoding = false) : IDisposable
{
    private readonly ConcurrentBag<ImageWorkspace> _free = new();
    private volatile bool _disposed;

    public ImageWorkspace Rent() => _free.TryTake(out var workspace) ? workspace : new ImageWorkspace(imageSize, maxPixels, reducedDecoding);

    public void Return(ImageWorkspace workspace)
    {
        if (_disposed || _free.Count >= maxKept)
        {
            workspace.Dispose();
            return;
        }

        _free.Add(workspace);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_free.TryTake(out var workspace))
        {
            workspace.Dispose();
        }
    }
}
