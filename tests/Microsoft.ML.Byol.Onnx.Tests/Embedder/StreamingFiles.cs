using SkiaSharp;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// Many small PNG files (16–32 px, random colours) written with SkiaSharp, every <c>brokenEvery</c>-th one broken in
/// turn: zero-length, truncated, garbage, or missing (never written).
/// </summary>
internal static class StreamingFiles
{
    public static (string[] Paths, bool[] Broken) Write(string folder, int count, int brokenEvery, int seed = 3)
    {
        var random = new Random(seed);
        var paths = new string[count];
        var broken = new bool[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = Path.Combine(folder, $"s{i:D5}.png");
            byte[] png = Png(random, random.Next(16, 33), random.Next(16, 33));
            if (i % brokenEvery != brokenEvery - 1)
            {
                File.WriteAllBytes(paths[i], png);
                continue;
            }

            broken[i] = true;
            switch (i / brokenEvery % 4)
            {
                case 0: File.WriteAllBytes(paths[i], Array.Empty<byte>()); break;
                case 1: File.WriteAllBytes(paths[i], png.AsSpan(0, 20).ToArray()); break; // signature + part of IHDR
                case 2: File.WriteAllBytes(paths[i], Enumerable.Range(0, 300).Select(_ => (byte)random.Next(256)).ToArray()); break;
                default: break; // missing
            }
        }

        return (paths, broken);
    }

    private static byte[] Png(Random random, int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (int p = 3; p < pixels.Length; p += 4)
        {
            pixels[p] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
