using System.IO.MemoryMappedFiles;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// A <see cref="CacheWriter"/> into a temporary file mapped into memory; it becomes a <see cref="MemoryMappedImageStore"/>
/// that deletes the file when disposed (or an in-memory store, when the packed grey images or the kept rows fit the memory budget).
/// </summary>
internal sealed unsafe class FileCacheWriter : CacheWriter
{
    private readonly string _path;
    private readonly long _memoryBudgetBytes;
    private MemoryMappedFile? _file;
    private MemoryMappedViewAccessor? _view;
    private byte* _base;
    private bool _completed;

    public FileCacheWriter(string directory, int count, int channels, int height, int width, long memoryBudgetBytes)
        : base(count, channels, height, width)
    {
        _memoryBudgetBytes = memoryBudgetBytes;
        _path = System.IO.Path.Combine(directory, $"byol-cache-{Guid.NewGuid():N}.u8");
        try
        {
            _file = MemoryMappedFile.CreateFromFile(_path, FileMode.CreateNew, null, count * ImageBytes, MemoryMappedFileAccess.ReadWrite);
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temporary file.</summary>
    public string Path => _path;

    protected override byte* Base => _base;

    public override ImageStore Complete(int count, int channels)
    {
        if (_view is null)
            throw new InvalidOperationException("The cache was already completed.");
        if (channels != Channels)
            PackFirstPlanes(count);
        long length = (long)count * channels * Height * Width;
        if ((channels != Channels || count != Count) && length <= _memoryBudgetBytes)
        {
            var memory = new MemoryCacheWriter(count, channels, Height, Width);
            for (int i = 0; i < count; i++)
                new Span<byte>(_base + i * memory.ImageBytes, (int)memory.ImageBytes).CopyTo(memory.Image(i));
            Dispose();
            return memory.Complete(count, channels);
        }
        Unmap();
        if (length != Count * ImageBytes)
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Write);
            stream.SetLength(length);
        }
        var store = new MemoryMappedImageStore(_path, count, channels, Height, Width, deleteOnDispose: true);
        _completed = true;
        return store;
    }

    private void Unmap()
    {
        if (_view is not null)
        {
            _view.Flush();
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _view = null;
            _base = null;
        }
        _file?.Dispose();
        _file = null;
    }

    /// <summary>Unmaps and deletes the file (used when building fails or the pixels moved to memory).</summary>
    public override void Dispose()
    {
        Unmap();
        if (!_completed)
            File.Delete(_path);
    }
}
