using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Decoded training images as 8-bit pixels, planar (C×H×W, C = 1 or 3), all of one size; the trainer gathers
/// shuffled batches from it every step. Implementations keep the pixels in memory or in a memory-mapped file.
/// Photos are stored whole, fitted into the square and padded; <see cref="ContentBoxes"/> then says where each one lies.
/// </summary>
internal abstract class ImageStore : IDisposable
{
    private CropBox[]? _content;

    /// <summary>
    /// Per image, the rectangle of the square that holds its picture (the rest is padding); null when every image
    /// fills its square.
    /// </summary>
    public IReadOnlyList<CropBox>? ContentBoxes => _content;

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

    /// <summary>The content boxes of the images at <paramref name="indices"/> (null when every image fills its square).</summary>
    public CropBox[]? ContentOf(ReadOnlySpan<long> indices)
    {
        if (_content is null)
            return null;
        var boxes = new CropBox[indices.Length];
        for (int i = 0; i < indices.Length; i++)
            boxes[i] = _content[indices[i]];
        return boxes;
    }

    /// <summary>
    /// The encoder's input for the images at <paramref name="indices"/> as they will be scored: their centre views
    /// (<see cref="CenterView"/>) at <paramref name="side"/>, ImageNet-normalised, float [B,3,side,side] on
    /// <paramref name="device"/>. Intermediates belong to the caller's dispose scope.
    /// </summary>
    public Tensor CenterViews(ReadOnlySpan<long> indices, Device device, int side)
    {
        using var pixels = Gather(indices);
        return Normalize.ImageNet(CenterView.Apply(ByteImages.ToFloatRgb(pixels, device), ContentOf(indices), side));
    }

    /// <summary>Records the content box of every image (one per image, each inside the square).</summary>
    public void SetContentBoxes(CropBox[] boxes)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        if (boxes.Length != Count)
            throw new ArgumentException($"Expected {Count} content boxes, got {boxes.Length}.", nameof(boxes));
        if (boxes.Any(b => b.Top < 0 || b.Left < 0 || b.Height < 1 || b.Width < 1 || b.Top + b.Height > Height || b.Left + b.Width > Width))
            throw new ArgumentOutOfRangeException(nameof(boxes), $"A content box lies outside the {Height}×{Width} images.");
        _content = boxes;
    }

    /// <inheritdoc />
    public virtual void Dispose()
    {
    }
}
