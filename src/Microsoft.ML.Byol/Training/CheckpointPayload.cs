using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The body of a checkpoint file (the same in formats 1 and 2): the metadata as a JSON string, the tensor count, then
/// each tensor as name, dtype, rank, shape, byte length and raw bytes. The reader checks every count and length
/// against the bytes that are really there before it allocates anything, so a damaged file gives an
/// <see cref="InvalidDataException"/> naming it, never a huge allocation or a TorchSharp size error.
/// </summary>
internal static class CheckpointPayload
{
    private const int MaxRank = 16;

    /// <summary>The number of bytes <see cref="Write"/> writes for these arguments.</summary>
    public static long Size(string metadataJson, IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        long size = StringSize(metadataJson) + sizeof(int);
        foreach (var (name, tensor) in tensors)
            size += StringSize(name) + 2 * sizeof(int) + tensor.dim() * sizeof(long) + sizeof(long) + ByteLength(tensor);
        return size;
    }

    /// <summary>Writes the body: metadata, then the tensors (each copied to the CPU, one at a time).</summary>
    public static void Write(BinaryWriter writer, string metadataJson, IReadOnlyList<KeyValuePair<string, Tensor>> tensors)
    {
        writer.Write(metadataJson);
        writer.Write(tensors.Count);
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            writer.Write(name);
            writer.Write((int)cpu.dtype);
            writer.Write((int)cpu.dim());
            foreach (var d in cpu.shape)
                writer.Write(d);
            var bytes = cpu.bytes;
            if (bytes.Length != ByteLength(tensor))
                throw new InvalidOperationException($"Tensor '{name}' has {bytes.Length} bytes on the CPU, {ByteLength(tensor)} were announced.");
            writer.Write((long)bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>Reads the metadata block at the reader's position.</summary>
    public static CheckpointMetadata ReadMetadata(BinaryReader reader, string path)
        => JsonSerializer.Deserialize<CheckpointMetadata>(reader.ReadString())
            ?? throw new InvalidDataException($"The checkpoint '{path}' has no metadata.");

    /// <summary>
    /// Reads the tensors from the reader's position up to <paramref name="end"/> (which must be where the last one
    /// ends). With <paramref name="materialize"/> false only the structure is checked and null returned; otherwise the
    /// tensors are created on the CPU and owned by the caller.
    /// </summary>
    public static Dictionary<string, Tensor>? ReadTensors(BinaryReader reader, string path, long end, bool materialize)
    {
        var stream = reader.BaseStream;
        int count = reader.ReadInt32();
        if (count < 0 || count > end - stream.Position)
            throw Damaged(path, $"it announces {count} tensors");
        var tensors = materialize ? new Dictionary<string, Tensor>(count, StringComparer.Ordinal) : null;
        try
        {
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                int rank = reader.ReadInt32();
                if (rank < 0 || rank > MaxRank)
                    throw Damaged(path, $"tensor '{name}' has rank {rank}");
                var shape = new long[rank];
                long elements = 1;
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                    if (shape[d] < 0 || (shape[d] > 0 && elements > long.MaxValue / shape[d]))
                        throw Damaged(path, $"tensor '{name}' has the shape [{string.Join(", ", shape.Take(d + 1))}]");
                    elements *= shape[d];
                }
                long length = reader.ReadInt64();
                long expected = ElementSize(dtype, path, name) is var size && elements <= long.MaxValue / size ? elements * size : -1;
                if (length != expected || length > end - stream.Position)
                    throw Damaged(path, $"tensor '{name}' announces {length} bytes (its shape needs {expected}; {end - stream.Position} remain)");
                if (tensors is null)
                {
                    stream.Seek(length, SeekOrigin.Current);
                    continue;
                }
                var tensor = torch.empty(shape, dtype);
                tensors[name] = tensor;
                var data = reader.ReadBytes(checked((int)length));
                if (data.Length != length)
                    throw Damaged(path, $"tensor '{name}' is cut short");
                tensor.bytes = data;
            }
            if (stream.Position != end)
                throw Damaged(path, $"{end - stream.Position} unexpected bytes follow the last tensor");
            return tensors;
        }
        catch
        {
            foreach (var t in tensors?.Values ?? Enumerable.Empty<Tensor>())
                t.Dispose();
            throw;
        }
    }

    /// <summary>An <see cref="InvalidDataException"/> naming the file.</summary>
    public static InvalidDataException Damaged(string path, string what, Exception? inner = null)
        => new($"The checkpoint '{path}' is damaged: {what}.", inner);

    private static long ByteLength(Tensor tensor) => tensor.numel() * tensor.ElementSize;

    private static long ElementSize(ScalarType dtype, string path, string name) => dtype switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw Damaged(path, $"tensor '{name}' has the unknown dtype {(int)dtype}"),
    };

    /// <summary>What <see cref="BinaryWriter.Write(string)"/> writes: a 7-bit encoded byte count, then UTF-8.</summary>
    private static long StringSize(string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        int prefix = 1;
        for (uint v = (uint)bytes; v >= 0x80; v >>= 7)
            prefix++;
        return prefix + bytes;
    }
}
