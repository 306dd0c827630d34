using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The checkpoint file format: a magic header, a JSON metadata block and named tensors (dtype, shape, raw bytes),
/// written to a temporary file in the same folder, flushed, then renamed over the final name, so that a crash
/// never leaves a half-written checkpoint under a checkpoint's name.
/// </summary>
internal static class CheckpointFile
{
    private static readonly byte[] Magic = "BYOLCKPT"u8.ToArray();
    private const int FormatVersion = 1;

    /// <summary>Writes <paramref name="tensors"/> (any device; copied to the CPU) and <paramref name="metadata"/> atomically.</summary>
    public static void Write(string path, CheckpointMetadata metadata, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(JsonSerializer.Serialize(metadata));
                var list = tensors.ToList();
                writer.Write(list.Count);
                foreach (var (name, tensor) in list)
                {
                    using var cpu = tensor.detach().cpu().contiguous();
                    writer.Write(name);
                    writer.Write((int)cpu.dtype);
                    writer.Write((int)cpu.dim());
                    foreach (var d in cpu.shape)
                        writer.Write(d);
                    var bytes = cpu.bytes;
                    writer.Write((long)bytes.Length);
                    writer.Write(bytes);
                }
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>Reads only the metadata of the checkpoint at <paramref name="path"/> (not its tensors).</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of a format this version reads.</exception>
    public static CheckpointMetadata ReadMetadata(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    private static CheckpointMetadata ReadHeader(BinaryReader reader, string path)
    {
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not a BYOL checkpoint.");
        int version = reader.ReadInt32();
        if (version != FormatVersion)
            throw new InvalidDataException($"'{path}' has checkpoint format {version}; this version reads format {FormatVersion}.");
        return JsonSerializer.Deserialize<CheckpointMetadata>(reader.ReadString())
            ?? throw new InvalidDataException($"'{path}' has no metadata.");
    }

    /// <summary>Reads a checkpoint; tensors are created on the CPU and owned by the caller.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint of this format.</exception>
    public static (CheckpointMetadata Metadata, Dictionary<string, Tensor> Tensors) Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var metadata = ReadHeader(reader, path);
        int count = reader.ReadInt32();
        var tensors = new Dictionary<string, Tensor>(count, StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                var shape = new long[reader.ReadInt32()];
                for (int d = 0; d < shape.Length; d++)
                    shape[d] = reader.ReadInt64();
                long length = reader.ReadInt64();
                var tensor = torch.empty(shape, dtype);
                tensors[name] = tensor;
                if (length != tensor.bytes.Length)
                    throw new InvalidDataException($"'{path}': tensor '{name}' has {length} bytes, expected {tensor.bytes.Length}.");
                tensor.bytes = reader.ReadBytes(checked((int)length));
            }
        }
        catch
        {
            foreach (var t in tensors.Values)
                t.Dispose();
            throw;
        }
        return (metadata, tensors);
    }
}
