using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Where <see cref="ImageCacheBuilder"/> writes pixels while it reads the data: a block of <c>count × bytesPerImage</c>
/// bytes addressed by pointer, which becomes an <see cref="ImageStore"/> at the end. When every image turned out to
/// be grey, the store keeps only the first plane of each image; when rows were skipped, it keeps the first images only.
/// </summary>
internal abstract unsafe class CacheWriter : IDisposable
{
    protected CacheWriter(int count, int channels, int height, int width)
    {
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
    }

    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public long ImageBytes => (long)Channels * Height * Width;

    /// <summary>First byte of the block.</summary>
    protected abstract byte* Base { get; }

    /// <summary>The bytes of image <paramref name="index"/>.</summary>
    public Span<byte> Image(int index) => new(Base + index * ImageBytes, checked((int)ImageBytes));

    /// <summary>
    /// Turns the first <paramref name="count"/> images of the block into a store with <paramref name="channels"/>
    /// channels (1 keeps the first plane only).
    /// </summary>
    public abstract ImageStore Complete(int count, int channels);

    /// <summary>Moves the first plane of the first <paramref name="count"/> images to the front, packed (forward order never overwrites unread bytes).</summary>
    protected void PackFirstPlanes(int count)
    {
        long plane = (long)Height * Width;
        for (long i = 1; i < count; i++)
            Buffer.MemoryCopy(Base + i * ImageBytes, Base + i * plane, plane, plane);
    }

    public abstract void Dispose();
}

/// <summary>A <see cref="CacheWriter"/> into a uint8 tensor in memory.</summary>
internal sealed unsafe class MemoryCacheWriter : CacheWriter
{
    private Tensor? _pixels;
    private readonly byte* _base;

    public MemoryCacheWriter(int count, int channels, int height, int width)
        : base(count, channels, height, width)
    {
        _pixels = torch.empty(new long[] { count, channels, height, width }, ScalarType.Byte);
        _base = TensorPointer.Of(_pixels);
    }

    protected override byte* Base => _base;

    public override ImageStore Complete(int count, int channels)
    {
        var pixels = _pixels ?? throw new InvalidOperationException("The cache was already completed.");
        _pixels = null;
        if (channels == Channels && count == Count)
            return new InMemoryImageStore(pixels);
        using (pixels)
        using (var kept = pixels.narrow(0, 0, count))
        using (var planes = kept.narrow(1, 0, channels))
            return new InMemoryImageStore(planes.clone());
    }

    public override void Dispose() => _pixels?.Dispose();
}
