using System.Runtime.InteropServices;
using Microsoft.ML.Byol.Networks;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>Raw little-endian float32 files exchanged with the Python peer, and the features of a TorchSharp encoder.</summary>
internal static class FeatureFiles
{
    public static void Write(string path, float[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static float[] Read(string path) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();

    /// <summary>Seeded pixels in [0, 1], [count, 3, size, size], already normalised with the ImageNet mean and std.</summary>
    public static float[] NormalisedPixels(int count, int size, int seed)
    {
        float[] mean = { 0.485f, 0.456f, 0.406f }, std = { 0.229f, 0.224f, 0.225f };
        var random = new Random(seed);
        var x = new float[count * 3 * size * size];
        int plane = size * size;
        for (int i = 0; i < x.Length; i++)
        {
            int c = (i / plane) % 3;
            x[i] = (float)((random.NextDouble() - mean[c]) / std[c]);
        }

        return x;
    }

    /// <summary>The eval-mode pooled features of <paramref name="encoder"/> for normalised inputs.</summary>
    public static float[] Features(ResNet encoder, float[] normalised, int count, int size)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        encoder.eval();
        return encoder.call(torch.tensor(normalised, new long[] { count, 3, size, size })).data<float>().ToArray();
    }
}
