using System.Buffers.Binary;
using SkiaSharp;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// Damaged image files for the decoder fuzz test: small valid PNGs (RGBA, grey+alpha) and JPEGs (colour, grey),
/// truncated at many lengths and with random bits flipped, PNGs whose IHDR declares random sizes (with a correct CRC,
/// so the decoder believes it), and bombs. Deterministic in the seed.
/// </summary>
internal static class FuzzedImages
{
    /// <summary>The undamaged originals, by name.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Originals()
    {
        var random = new Random(11);
        byte[] Noise(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        return new[]
        {
            ("rgba.png", TestPng.Encode(32, 32, TestPng.Rgba, Noise(32 * 32 * 4))),
            ("grey-alpha.png", TestPng.Encode(24, 20, TestPng.GreyAlpha, Noise(24 * 20 * 2))),
            ("colour.jpg", Jpeg(Noise(40 * 30 * 4), 40, 30, SKColorType.Rgba8888)),
            ("grey.jpg", Jpeg(Noise(17 * 13), 17, 13, SKColorType.Gray8)),
        };
    }

    /// <summary>Writes every damaged file (and the originals) into <paramref name="folder"/>; returns their paths.</summary>
    public static List<string> Write(string folder, int seed)
    {
        var random = new Random(seed);
        var files = new List<(string Name, byte[] Bytes)>();
        foreach (var (name, bytes) in Originals())
        {
            files.Add((name, bytes));
            for (int i = 1; i <= 24; i++)
            {
                int length = (int)((long)bytes.Length * i / 25);
                files.Add(($"{name}.cut{length}", bytes[..length]));
            }

            for (int i = 0; i < 40; i++)
            {
                var flipped = (byte[])bytes.Clone();
                int flips = 1 + random.Next(4);
                for (int f = 0; f < flips; f++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                files.Add(($"{name}.flip{i}", flipped));
            }
        }

        var png = Originals()[0].Bytes;
        for (int i = 0; i < 24; i++)
        {
            int width = i % 3 == 0 ? random.Next() : random.Next(1, 70_000);
            int height = i % 4 == 0 ? random.Next() : random.Next(1, 70_000);
            files.Add(($"ihdr{i}-{width}x{height}.png", WithDeclaredSize(png, width, height)));
        }

        files.Add(("bomb-20000.png", TestPng.Bomb(20_000, 20_000)));
        files.Add(("bomb-60000.png", TestPng.Bomb(60_000, 60_000)));
        files.Add(("bomb-100000.png", TestPng.Bomb(100_000, 100_000)));
        files.Add(("tall-2147483647.png", TestPng.Bomb(1, int.MaxValue))); // over libpng's own height limit
        files.Add(("empty.png", Array.Empty<byte>()));

        return files.Select(f =>
        {
            string path = Path.Combine(folder, f.Name);
            File.WriteAllBytes(path, f.Bytes);
            return path;
        }).ToList();
    }

    /// <summary>The PNG with another size in its IHDR and the IHDR's CRC recomputed (the pixel data is unchanged).</summary>
    private static byte[] WithDeclaredSize(byte[] png, int width, int height)
    {
        var copy = (byte[])png.Clone();
        const int ihdrType = 12, ihdrData = 16; // after the signature (8) and the chunk length (4)
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(ihdrData), width);
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(ihdrData + 4), height);
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(ihdrData + 13), TestPng.Crc32(copy.AsSpan(ihdrType, 4 + 13)));
        return copy;
    }

    private static byte[] Jpeg(byte[] pixels, int width, int height, SKColorType colourType)
    {
        var info = new SKImageInfo(width, height, colourType, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 80);
        return data.ToArray();
    }
}
