using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace EmbedBench;

/// <summary>Random inputs, made before the clock starts: fresh MLImages (ML.NET's transforms dispose them) and pixels.</summary>
internal static class Inputs
{
    public const int SourceSide = 256;

    public sealed class ImageRow
    {
        [ImageType(1, 1)]
        public MLImage? Image { get; set; }
    }

    public static MLImage[] Images(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var bytes = new byte[SourceSide * SourceSide * 4];
            random.NextBytes(bytes);
            for (int p = 3; p < bytes.Length; p += 4)
            {
                bytes[p] = 255;
            }

            return MLImage.CreateFromPixels(SourceSide, SourceSide, MLPixelFormat.Rgba32, bytes);
        }).ToArray();
    }

    public static List<ImageRow> Rows(int count, int seed) => Images(count, seed).Select(i => new ImageRow { Image = i }).ToList();

    public static float[] Pixels(int count, int imageSize, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 3 * imageSize * imageSize];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = random.NextSingle();
        }

        return pixels;
    }
}
