using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// Writes "decompression bomb" PNGs: a valid signature and IHDR (correct CRCs) declaring a huge size, a tiny IDAT
/// holding the zlib stream of the first rows only, and IEND. A decoder that trusts the header allocates
/// width × height × 4 bytes for a file of a few hundred bytes. Shared by both test projects (linked source).
/// </summary>
internal static class BombPng
{
    private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The bytes of a PNG declaring <paramref name="width"/>×<paramref name="height"/> RGBA pixels.</summary>
    public static byte[] Create(int width, int height)
    {
        using var file = new MemoryStream();
        file.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth
        header[9] = 6;   // colour type: RGBA
        // compression 0, filter 0, interlace 0
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", FirstRows(width, rows: 2));
        WriteChunk(file, "IEND", Array.Empty<byte>());
        return file.ToArray();
    }

    /// <summary>Writes <see cref="Create"/>'s bytes to <paramref name="path"/>; returns the path.</summary>
    public static string Write(string path, int width, int height)
    {
        File.WriteAllBytes(path, Create(width, height));
        return path;
    }

    /// <summary>CRC-32 (ISO-HDLC, PNG's) of <paramref name="data"/>.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFF;
    }

    private static byte[] FirstRows(int width, int rows)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + 4L * width]; // filter byte 0, then transparent black
            for (int r = 0; r < rows; r++)
            {
                zlib.Write(row);
            }
        }

        return compressed.ToArray();
    }

    private static void WriteChunk(Stream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        file.Write(crc);
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
