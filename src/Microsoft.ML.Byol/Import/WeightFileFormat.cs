using System.Buffers.Binary;

namespace Microsoft.ML.Byol.Import;

/// <summary>The kinds of weight file <see cref="EncoderImport"/> reads.</summary>
internal enum WeightFileKind
{
    Onnx,
    PyTorchZip,
    Safetensors,
}

/// <summary>
/// Tells a weights file's format by its first bytes, with the extension as a hint for the messages:
/// a zip archive ("PK\x03\x04", what <c>torch.save</c> writes since PyTorch 1.6); a little-endian 8-byte header
/// length followed by '{' (safetensors); a protobuf starting with field 1 as a varint (ONNX's ir_version).
/// </summary>
internal static class WeightFileFormat
{
    public static WeightFileKind Detect(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"The weights file '{path}' does not exist.", path);
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = File.OpenRead(path))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        string extension = Path.GetExtension(path).ToLowerInvariant();

        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
            return WeightFileKind.PyTorchZip;
        if (read >= 9 && head[8] == '{')
        {
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (headerLength >= 2 && headerLength <= (ulong)Math.Max(0, info.Length - 8))
                return WeightFileKind.Safetensors;
            throw new InvalidDataException(
                $"'{path}' looks like a safetensors file but its header claims {headerLength} bytes of a {info.Length}-byte file (truncated?).");
        }

        if (read >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5)
            throw new InvalidDataException(
                $"'{path}' is a PyTorch file in the legacy (pre-1.6) pickle format, which is not read; re-save it with " +
                "torch.save(model.state_dict(), path) from PyTorch 1.6 or later (the zip format).");
        if (read >= 2 && head[0] == 0x08)
            return WeightFileKind.Onnx;

        string expected = extension switch
        {
            ".onnx" => "an ONNX model",
            ".pt" or ".pth" or ".bin" => "a PyTorch state_dict (torch.save zip archive)",
            ".safetensors" => "a safetensors file",
            _ => "a weights file",
        };
        throw new InvalidDataException(
            $"'{path}' is not {expected}: its first bytes ({Convert.ToHexString(head[..Math.Min(read, 8)])}) match none of " +
            "the formats read (ONNX, PyTorch .pt/.pth state_dict, .safetensors).");
    }
}
