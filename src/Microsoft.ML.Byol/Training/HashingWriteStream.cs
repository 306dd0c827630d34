using System.IO.Hashing;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// A write-only stream that passes every byte on to another stream and feeds it to an <see cref="XxHash64"/>,
/// counting the bytes: how a checkpoint's checksum is computed while it is written, without a second pass.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly XxHash64 _hash = new();

    public HashingWriteStream(Stream inner) => _inner = inner;

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>The XxHash64 of the bytes written so far.</summary>
    public ulong Hash => _hash.GetCurrentHashAsUInt64();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Written; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _hash.Append(buffer);
        Written += buffer.Length;
    }

    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    public override void Flush() => _inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
