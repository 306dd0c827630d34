using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Decoded training images as 8-bit pixels, planar (C×H×W, C = 1 or 3), all of one size; the trainer gathers
/// shuffled batches from it every step. Implementations keep the pixels in memory or in a memory-mapped file.
/// </summary>
internal abstract class ImageStore : IDisposable
{
    /// <summary>Number of images.</summary>
    public abstract int Count { get; }

    /// <summary>Channels per image (1 = grayscale, 3 = RGB).</summary>
    public abstract int Channels { get; }

    /// <summary>Height of every image.</summary>
    public abstract int Height { get; }

    /// <summary>Width of every image.</summary>
    public abstract int Width { get; }

    /// <summary>Bytes of one image.</summary>
    public long ImageBytes => (long)Channels * Height * Width;

    /// <summary>Copies the images at <paramref name="indices"/> into a new uint8 tensor [B, C, H, W] on the CPU.</summary>
    public abstract Tensor Gather(ReadOnlySpan<long> indices);

    /// <summary>
    /// <see cref="Gather(ReadOnlySpan{long})"/>, in page-locked (pinned) host memory when <paramref name="pinned"/>
    /// (for a non-blocking copy to a CUDA device; it costs one host copy of the uint8 batch); else exactly
    /// <see cref="Gather(ReadOnlySpan{long})"/>.
    /// </summary>
    public Tensor Gather(ReadOnlySpan<long> indices, bool pinned)
    {
        var batch = Gather(indices);
        if (!pinned)
            return batch;
        using (batch)
            return batch.pin_memory();
    }

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}
