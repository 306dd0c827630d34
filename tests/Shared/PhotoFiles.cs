using System.Buffers.Binary;
using SkiaSharp;

namespace Microsoft.ML.Byol.Tests.Shared;

/// <summary>
/// Small photo-like files written with SkiaSharp (PNG, JPEG), broken files of every kind the image cache must report
/// or skip, and a JPEG with an EXIF Orientation tag inserted by hand.
/// </summary>
internal static class PhotoFiles
{
    /// <summary>A smooth colour pattern with some noise (so JPEG has something to compress).</summary>
    public static SKBitmap Pattern(int width, int height, int seed, bool alpha = false, bool grey = false)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque));
        int phase = random.Next(64);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte r = (byte)((x * 255 / Math.Max(1, width - 1) + phase + random.Next(24)) & 255);
                byte g = (byte)((y * 255 / Math.Max(1, height - 1) + random.Next(24)) & 255);
                byte b = (byte)(((x + y) * 4 + phase) & 255);
                byte a = alpha ? (byte)(x * 255 / Math.Max(1, width - 1)) : (byte)255;
                bitmap.SetPixel(x, y, grey ? new SKColor(r, r, r, a) : new SKColor(r, g, b, a));
            }
        }
        return bitmap;
    }

    /// <summary>Gradients and large soft shapes: what a photo looks like at the encoder's scale, with no pixel noise to alias.</summary>
    public static SKBitmap Smooth(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        using (var sky = new SKPaint())
        {
            sky.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                new[] { new SKColor(30, 90, 200), new SKColor(240, 200, 120) }, SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, sky);
        }

        using var shape = new SKPaint { IsAntialias = true };
        var random = new Random(5);
        for (int i = 0; i < 12; i++)
        {
            shape.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            canvas.DrawCircle(random.Next(width), random.Next(height), 60 + random.Next(200), shape);
        }

        canvas.Flush();
        return bitmap;
    }

    /// <summary>The encoded bytes of <paramref name="bitmap"/>.</summary>
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>Writes a pattern PNG; returns the path.</summary>
    public static string Png(string path, int width, int height, int seed, bool alpha = false, bool grey = false)
    {
        using var bitmap = Pattern(width, height, seed, alpha, grey);
        File.WriteAllBytes(path, Encode(bitmap, SKEncodedImageFormat.Png));
        return path;
    }

    /// <summary>Writes a pattern JPEG; returns the path.</summary>
    public static string Jpeg(string path, int width, int height, int seed, bool grey = false)
    {
        using var bitmap = Pattern(width, height, seed, grey: grey);
        File.WriteAllBytes(path, Encode(bitmap, SKEncodedImageFormat.Jpeg));
        return path;
    }

    /// <summary>
    /// The broken files of the reliability tests, written into <paramref name="folder"/>: zero-length, truncated inside
    /// the header, garbage, a missing path and a decompression-bomb PNG header (60 000 × 60 000).
    /// </summary>
    public static string[] Broken(string folder)
    {
        string empty = Path.Combine(folder, "broken-empty.png");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        string truncated = Path.Combine(folder, "broken-truncated.png");
        using (var bitmap = Pattern(40, 30, 99))
            File.WriteAllBytes(truncated, Encode(bitmap, SKEncodedImageFormat.Png).AsSpan(0, 30).ToArray());
        string garbage = Path.Combine(folder, "broken-garbage.jpg");
        var noise = new byte[700];
        new Random(5).NextBytes(noise);
        File.WriteAllBytes(garbage, noise);
        string missing = Path.Combine(folder, "broken-missing.jpg");
        string bomb = TestPng.WriteBomb(Path.Combine(folder, "broken-bomb.png"), 60_000, 60_000);
        return new[] { empty, truncated, garbage, missing, bomb };
    }

    /// <summary>
    /// Writes a pattern JPEG or PNG cut in the middle of its image data (a JPEG's entropy-coded scan, a PNG's first
    /// IDAT chunk), its header intact: SkiaSharp reads its size and decodes only part of the picture (incomplete
    /// input), which ML.NET's <c>MLImage.CreateFromFile</c> accepts. Returns the path.
    /// </summary>
    public static string CutInImageData(string path, SKEncodedImageFormat format, int width = 64, int height = 48, int seed = 77)
    {
        using var bitmap = Pattern(width, height, seed);
        var bytes = Encode(bitmap, format);
        var (start, length) = format switch
        {
            SKEncodedImageFormat.Jpeg => JpegScanData(bytes),
            SKEncodedImageFormat.Png => PngImageData(bytes),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "JPEG or PNG."),
        };
        File.WriteAllBytes(path, bytes.AsSpan(0, start + length / 2).ToArray());
        return path;
    }

    /// <summary>Where a JPEG's entropy-coded data lies: after the start-of-scan segment, up to the end-of-image marker.</summary>
    private static (int Start, int Length) JpegScanData(byte[] jpeg)
    {
        for (int at = 2; at + 4 <= jpeg.Length;)
        {
            if (jpeg[at] != 0xFF)
                throw new ArgumentException($"Not a JPEG marker at byte {at}.", nameof(jpeg));
            int start = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (jpeg[at + 1] == 0xDA)
                return (start, jpeg.Length - 2 - start);
            at = start;
        }
        throw new ArgumentException("The JPEG has no start-of-scan marker.", nameof(jpeg));
    }

    /// <summary>Where the data of a PNG's first IDAT chunk lies.</summary>
    private static (int Start, int Length) PngImageData(byte[] png)
    {
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (png.AsSpan(at + 4, 4).SequenceEqual("IDAT"u8))
                return (at + 8, length);
            at += 12 + length;
        }
        throw new ArgumentException("The PNG has no IDAT chunk.", nameof(png));
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an APP1 Exif segment holding one IFD entry, Orientation (0x0112) =
    /// <paramref name="orientation"/>, inserted after the SOI marker and the JFIF APP0 segment when there is one.
    /// </summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            throw new ArgumentException("Not a JPEG (no SOI marker).", nameof(jpeg));
        int at = 2;
        if (jpeg[2] == 0xFF && jpeg[3] == 0xE0)
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(4));
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);         // offset of IFD0
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);         // one entry
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);   // Orientation
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);        // SHORT
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);        // count
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        // bytes 20..21 padding, 22..25 next IFD offset = 0
        var segment = new List<byte> { 0xFF, 0xE1 };
        int length = 2 + 6 + tiff.Length;
        segment.Add((byte)(length >> 8));
        segment.Add((byte)length);
        segment.AddRange("Exif\0\0"u8.ToArray());
        segment.AddRange(tiff);
        return jpeg.Take(at).Concat(segment).Concat(jpeg.Skip(at)).ToArray();
    }
}
