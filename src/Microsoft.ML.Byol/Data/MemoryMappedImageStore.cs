using System.IO.MemoryMappedFiles;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// An <see cref="ImageStore"/> over a file of planar uint8 pixels (image after image, each C×H×W), mapped into memory
/// so that data sets larger than RAM are paged in by the operating system. <see cref="Gather"/> may be called from
/// several threads at once.
/// </summary>
internal sealed unsafe class MemoryMappedImageStore : ImageStore
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pixels;
    private readonly bool _deleteOnDispose;
    private int _disposed;

    /// <summary>Maps <paramref name="path"/> read-only; deletes it on <see cref="Dispose"/> when <paramref name="deleteOnDispose"/>.</summary>
    /// <exception cref="ArgumentException">The file is shorter than <paramref name="count"/> images.</exception>
    public MemoryMappedImageStore(string path, int count, int channels, int height, int width, bool deleteOnDispose)
    {
        if (count <= 0 || channels is not (1 or 3) || height <= 0 || width <= 0)
            throw new ArgumentException($"Invalid store shape [{count}, {channels}, {height}, {width}].");
        Path = path;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        long length = new FileInfo(path).Length;
        if (length < (long)count * ImageBytes)
            throw new ArgumentException($"'{path}' holds {length} bytes, less than {count} images of {ImageBytes} bytes.", nameof(path));
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pixels = pointer + _view.PointerOffset;
        _deleteOnDispose = deleteOnDispose;
    }

    /// <summary>The mapped file.</summary>
    public string Path { get; }

    public override int Count { get; }
    public override int Channels { get; }
    public override int Height { get; }
    public override int Width { get; }

    public override Tensor Gather(ReadOnlySpan<long> indices)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long imageBytes = ImageBytes;
        foreach (long index in indices)
        {
            if ((ulong)index >= (ulong)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Image index {index} is outside [0, {Count}).");
        }
        var batch = torch.empty(new long[] { indices.Length, Channels, Height, Width }, ScalarType.Byte);
        if (indices.Length == 0)
            return batch;
        byte* destination = TensorPointer.Of(batch);
        for (int i = 0; i < indices.Length; i++)
            Buffer.MemoryCopy(_pixels + indices[i] * imageBytes, destination + i * imageBytes, imageBytes, imageBytes);
        return batch;
    }

    public override void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
        if (_deleteOnDispose)
            File.Delete(Path);
    }
}
