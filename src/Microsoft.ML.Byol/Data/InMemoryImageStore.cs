using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>An <see cref="ImageStore"/> over a uint8 tensor [N, C, H, W] held in memory.</summary>
internal sealed class InMemoryImageStore : ImageStore
{
    private readonly Tensor _pixels;

    /// <summary>Takes ownership of <paramref name="pixels"/> (uint8, [N, C, H, W], C = 1 or 3).</summary>
    public InMemoryImageStore(Tensor pixels)
    {
        if (pixels.dtype != ScalarType.Byte || pixels.dim() != 4 || pixels.shape[1] is not (1 or 3))
            throw new ArgumentException($"Expected a uint8 tensor [N, C, H, W] with C = 1 or 3, got {pixels.dtype} [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        _pixels = pixels.contiguous().cpu();
    }

    /// <summary>Builds a store from planar bytes, image after image.</summary>
    public static InMemoryImageStore FromBytes(byte[] pixels, int count, int channels, int height, int width)
        => new(torch.tensor(pixels, new long[] { count, channels, height, width }));

    public override int Count => (int)_pixels.shape[0];
    public override int Channels => (int)_pixels.shape[1];
    public override int Height => (int)_pixels.shape[2];
    public override int Width => (int)_pixels.shape[3];

    public override Tensor Gather(ReadOnlySpan<long> indices)
    {
        using var index = torch.tensor(indices.ToArray(), ScalarType.Int64);
        return _pixels.index_select(0, index);
    }

    public override void Dispose() => _pixels.Dispose();
}
