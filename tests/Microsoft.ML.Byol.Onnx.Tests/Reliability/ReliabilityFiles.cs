using Microsoft.ML.Byol.Onnx.Tests.Embedder;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>A temporary folder with the test encoder, bomb PNGs and ordinary 32×32 PNGs; deleted on dispose.</summary>
internal sealed class ReliabilityFiles() : EmbedderFiles("byol-reliability-")
{
    /// <summary>A bomb PNG declaring <paramref name="side"/>×<paramref name="side"/>.</summary>
    public string Bomb(int side) => TestPng.WriteBomb(Path.Combine(Folder, $"bomb-{side}.png"), side, side);

    /// <summary>An ordinary 32×32 noise PNG.</summary>
    public string Png32(int seed = 1)
    {
        string path = Path.Combine(Folder, $"ordinary-{seed}.png");
        using var image = Noise32(seed);
        image.Save(path);
        return path;
    }

    /// <summary>A 32×32 noise image in memory.</summary>
    public static MLImage Noise32(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[32 * 32 * 4];
        random.NextBytes(bytes);
        for (int i = 3; i < bytes.Length; i += 4)
        {
            bytes[i] = 255;
        }

        return MLImage.CreateFromPixels(32, 32, MLPixelFormat.Rgba32, bytes);
    }
}
