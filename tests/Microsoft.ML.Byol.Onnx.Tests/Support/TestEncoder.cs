using Microsoft.ML.Byol.Graph;

namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>A small random-weight BYOL encoder: ResNet-18, width 1/8, small-image stem, 32 px (64-d embedding).</summary>
internal static class TestEncoder
{
    public const int ImageSize = 32;

    public static readonly ResNetLayout Layout = new(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true);

    private static readonly Lazy<byte[]> Model = new(() =>
    {
        // RandomResNet draws BN γ in [0.5, 1.5): no channel is switched off, so every input pixel matters.
        var net = RandomResNet.For(Layout, seed: 7);
        return ResNetOnnxBuilder.Build(Layout, ImageSize, net.Get, foldBatchNorm: true,
            new Dictionary<string, string> { ["epochs"] = "0", ["note"] = "random weights for tests" });
    });

    public static byte[] Bytes => (byte[])Model.Value.Clone();

    public static int EmbeddingSize => Layout.EmbeddingSize;

    /// <summary>Runs the encoder in ONNX Runtime on planar RGB floats [N, 3, S, S]; returns one embedding per image.</summary>
    public static float[][] Run(float[][] pixels)
    {
        int n = pixels.Length, plane = 3 * ImageSize * ImageSize;
        var input = new float[n * plane];
        for (int i = 0; i < n; i++)
        {
            pixels[i].Length.Should().Be(plane);
            pixels[i].CopyTo(input, i * plane);
        }

        var (output, shape) = OrtRunner.Run(Model.Value, ResNetOnnxBuilder.InputName, input, new long[] { n, 3, ImageSize, ImageSize });
        shape.Should().Equal(n, EmbeddingSize);
        return Enumerable.Range(0, n).Select(i => output.AsSpan(i * EmbeddingSize, EmbeddingSize).ToArray()).ToArray();
    }

    /// <summary>Writes the encoder to a new temporary file; returns its path.</summary>
    public static string WriteToTempFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"byol-test-encoder-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Model.Value);
        return path;
    }
}
