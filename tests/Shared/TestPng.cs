using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Byol.Tests.Shared;

/// <summary>
/// Writes PNG files byte by byte (signature, IHDR, IDAT, IEND, with their CRCs), in particular "decompression bomb"
/// PNGs: a valid header declaring a huge size and a tiny IDAT holding the zlib stream of the first rows only. A
/// decoder that trusts the header allocates width × height × 4 bytes for a file of a few hundred bytes. Shared by
/// both test projects (linked source).
/// </summary>
internal static class TestPng
{
    /// <summary>PNG colour type 4: grey and alpha, two bytes a pixel.</summary>
    public const byte GreyAlpha = 4;

    /// <summary>PNG colour type 6: RGBA, four bytes a pixel.</summary>
    public const byte Rgba = 6;

    private static readonly byte[] Signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>The bytes of a bomb PNG declaring <paramref name="width"/>×<paramref name="height"/> RGBA pixels.</summary>
    public static byte[] Bomb(int width, int height)
    {
        var firstRows = new byte[2 * (1 + 4L * width)]; // two rows: filter byte 0, then transparent black
        return Assemble(width, height, Rgba, Compress(firstRows));
    }

    /// <summary>Writes <see cref="Bomb"/>'s bytes to <paramref name="path"/>; returns the path.</summary>
    public static string WriteBomb(string path, int width, int height)
    {
        File.WriteAllBytes(path, Bomb(width, height));
        return path;
    }

    /// <summary>
    /// A complete 8-bit PNG of <paramref name="pixels"/> (rows of width × channels bytes, no filter) in colour type
    /// <paramref name="colourType"/> (<see cref="GreyAlpha"/> or <see cref="Rgba"/>).
    /// </summary>
    public static byte[] Encode(int width, int height, byte colourType, byte[] pixels)
    {
        int channels = colourType switch { GreyAlpha => 2, Rgba => 4, _ => throw new ArgumentOutOfRangeException(nameof(colourType)) };
        int stride = width * channels;
        if (pixels.Length != stride * height)
        {
            throw new ArgumentException($"Expected {stride * height} bytes, got {pixels.Length}.", nameof(pixels));
        }

        var rows = new byte[(1 + stride) * height];
        for (int y = 0; y < height; y++)
        {
            pixels.AsSpan(y * stride, stride).CopyTo(rows.AsSpan(y * (1 + stride) + 1));
        }

        return Assemble(width, height, colourType, Compress(rows));
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

    private static byte[] Assemble(int width, int height, byte colourType, byte[] idat)
    {
        using var file = new MemoryStream();
        file.Write(Signature);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;           // bit depth
        header[9] = colourType;  // compression, filter and interlace methods 0
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", idat);
        WriteChunk(file, "IEND", Array.Empty<byte>());
        return file.ToArray();
    }

    private static byte[] Compress(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zlib.Write(data);
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
