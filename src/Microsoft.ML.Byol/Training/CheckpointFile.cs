using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The checkpoint file, format 2: a length-checked, checksummed container around <see cref="CheckpointPayload"/>.
/// <code>
/// "BYOLCKPT" | int32 version = 2 | int64 payload length L | payload (L bytes) | uint64 XxHash64 of all bytes before it
/// </code>
/// (little-endian). Readers check the magic, the version, that the file is exactly 28 + L bytes long and the
/// checksum before any tensor is read. Format 1 (no length, no checksum) is still read: its structure is walked
/// and every length checked against the file first, so truncation is found, though a flipped byte inside a tensor
/// is not. Every read error is an <see cref="InvalidDataException"/> naming the file.
/// The file is written to a temporary file in the same folder (<see cref="CheckpointTemporaryFiles"/>), flushed to
/// disk, then renamed over the final name, so that a crash never leaves a half-written file under a checkpoint's name.
/// </summary>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = "BYOLCKPT"u8.ToArray();
    private const int FormatVersion = 2;
    private const int HeaderSize = 8 + sizeof(int) + sizeof(long);
    private const int TrailerSize = sizeof(ulong);

    /// <summary>Writes <paramref name="tensors"/> (any device; copied to the CPU) and <paramref name="metadata"/> atomically.</summary>
    /// <exception cref="IOException">The file could not be written (the message names it); nothing is left behind.</exception>
    public static void Write(string path, CheckpointMetadata metadata, IEnumerable<KeyValuePair<string, Tensor>> tensors)
        => Write(path, metadata, tensors, OpenTemporary);

    /// <summary><see cref="Write(string, CheckpointMetadata, IEnumerable{KeyValuePair{string, Tensor}})"/> through a stream of the caller's (tests inject failures).</summary>
    internal static void Write(string path, CheckpointMetadata metadata, IEnumerable<KeyValuePair<string, Tensor>> tensors, Func<string, Stream> openTemporary)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = CheckpointTemporaryFiles.PathFor(path);
        string json = JsonSerializer.Serialize(metadata);
        var list = tensors.ToList();
        long payload = CheckpointPayload.Size(json, list);
        try
        {
            using (var stream = openTemporary(temporary))
            {
                var hashing = new HashingWriteStream(stream);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(payload);
                    CheckpointPayload.Write(writer, json, list);
                    writer.Flush();
                }
                if (hashing.Written != HeaderSize + payload)
                    throw new InvalidOperationException($"Wrote {hashing.Written - HeaderSize} payload bytes to '{path}', announced {payload}.");
                Span<byte> trailer = stackalloc byte[TrailerSize];
                BinaryPrimitives.WriteUInt64LittleEndian(trailer, hashing.Hash);
                stream.Write(trailer);
                stream.Flush();
                if (stream is FileStream file)
                    file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            throw new IOException($"Could not write the checkpoint '{path}': {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    private static Stream OpenTemporary(string temporary)
        => new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);

    /// <summary>Reads the metadata of the checkpoint at <paramref name="path"/> after verifying the whole file (its tensors are not loaded).</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is of an unknown format or is damaged (the message names it).</exception>
    public static CheckpointMetadata ReadMetadata(string path) => Open(path, materialize: false).Metadata;

    /// <summary>Reads a checkpoint after verifying it; tensors are created on the CPU and owned by the caller.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is of an unknown format or is damaged (the message names it).</exception>
    public static (CheckpointMetadata Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        var (metadata, tensors) = Open(path, materialize: true);
        return (metadata, tensors!);
    }

    private static (CheckpointMetadata Metadata, Dictionary<string, Tensor>? Tensors) Open(string path, bool materialize)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            long end = ReadHeader(reader, path);
            var metadata = CheckpointPayload.ReadMetadata(reader, path);
            if (materialize)
            {
                // Walk the structure first: a truncated format-1 file must fail before anything is allocated.
                long tensorsStart = stream.Position;
                CheckpointPayload.ReadTensors(reader, path, end, materialize: false);
                stream.Position = tensorsStart;
            }
            var tensors = CheckpointPayload.ReadTensors(reader, path, end, materialize);
            return (metadata, tensors);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or JsonException or FormatException or OverflowException)
        {
            throw CheckpointPayload.Damaged(path, e.Message, e);
        }
    }

    /// <summary>Checks the magic and version (and for format 2 length and checksum); returns where the payload ends.</summary>
    private static long ReadHeader(BinaryReader reader, string path)
    {
        var stream = reader.BaseStream;
        long length = stream.Length;
        var magic = reader.ReadBytes(Magic.Length);
        if (magic.Length == 0 || !Magic.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw new InvalidDataException($"'{path}' is not a BYOL checkpoint ({length} bytes{(length == 0 ? ", empty" : "")}).");
        if (length < Magic.Length + sizeof(int))
            throw CheckpointPayload.Damaged(path, $"it is truncated ({length} bytes)");
        int version = reader.ReadInt32();
        if (version == 1)
            return length;
        if (version != FormatVersion)
            throw new InvalidDataException($"'{path}' has checkpoint format {version}; this version reads formats 1 and {FormatVersion}.");
        if (length < HeaderSize + TrailerSize)
            throw CheckpointPayload.Damaged(path, $"it is truncated ({length} bytes)");
        long payload = reader.ReadInt64();
        if (payload < 0 || payload != length - HeaderSize - TrailerSize)
            throw CheckpointPayload.Damaged(path, $"it is {length} bytes long, its header announces {HeaderSize + payload + TrailerSize} (truncated or overwritten)");
        VerifyChecksum(stream, path, HeaderSize + payload);
        stream.Position = HeaderSize;
        return HeaderSize + payload;
    }

    private static void VerifyChecksum(Stream stream, string path, long hashed)
    {
        var hash = new XxHash64();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            stream.Position = 0;
            for (long left = hashed; left > 0;)
            {
                int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                    throw CheckpointPayload.Damaged(path, "it ended while its checksum was computed");
                hash.Append(buffer.AsSpan(0, read));
                left -= read;
            }
            stream.ReadExactly(buffer, 0, TrailerSize);
            ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
            ulong actual = hash.GetCurrentHashAsUInt64();
            if (stored != actual)
                throw CheckpointPayload.Damaged(path, $"its checksum does not match (stored {stored:x16}, computed {actual:x16})");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
