namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// A file stream on a "disk" that fills up: it writes the first <c>capacity</c> bytes through, then throws
/// <see cref="IOException"/> "No space left on device", as a full disk does (from Write or from Flush).
/// </summary>
internal sealed class FailingStream : Stream
{
    private readonly FileStream _file;
    private readonly long _capacity;

    public FailingStream(string path, long capacity)
    {
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        _capacity = capacity;
    }

    public long Written { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int fits = (int)Math.Min(buffer.Length, _capacity - Written);
        _file.Write(buffer[..fits]);
        Written += fits;
        if (fits < buffer.Length)
            throw new IOException("No space left on device");
    }

    public override void Flush()
    {
        _file.Flush();
        if (Written >= _capacity)
            throw new IOException("No space left on device");
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _file.Dispose();
        base.Dispose(disposing);
    }
}
