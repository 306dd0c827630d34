using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Byol.Onnx.Tests.Transformer;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>The embedder and the ML.NET transformer give the same embedding for the same input.</summary>
public sealed class ByolEmbedderEquivalenceTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private sealed class PixelRow
    {
        [VectorType(3, TestEncoder.ImageSize, TestEncoder.ImageSize)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void EmbedFiles_EqualsTheTransformerOverLoadImages()
    {
        string[] paths = _files.Pngs(6);
        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath);
        var rows = _ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { Path = p }).ToList());
        var images = _ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
        var expected = Pictures.Column(byol.Transform(images), "Embedding");

        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 4 });
        var actual = embedder.EmbedFiles(paths);

        EmbedderAssert.Close(actual, expected);
        Embeddings.ShouldBeInformative(actual);
        embedder.EmbeddingSize.Should().Be(TestEncoder.EmbeddingSize);
        embedder.EncoderInfo.ImageSize.Should().Be(TestEncoder.ImageSize);
        embedder.ExecutionProvider.Should().Be("CPU");
    }

    [Fact]
    public void Embed_OfMLImages_EqualsTheTransformer()
    {
        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath);
        var expected = Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(5))), "Embedding");

        using var embedder = ByolEmbedder.Load(_files.EncoderPath);
        var actual = embedder.Embed(Pictures.Create(5));

        EmbedderAssert.Close(actual, expected);
    }

    [Fact]
    public void Embed_OfImagesAlreadyOfTheEncodersSize_EqualsTheTransformer()
    {
        var sized = Pictures.Pixels(_ml, Pictures.Create(3)); // any content; make images exactly S×S
        MLImage[] Make() => sized.Select(ToImage).ToArray();
        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath);
        var expected = Pictures.Column(byol.Transform(Pictures.View(_ml, Make())), "Embedding");

        using var embedder = ByolEmbedder.Load(_files.EncoderPath);

        EmbedderAssert.Close(embedder.Embed(Make()), expected);
    }

    [Fact]
    public void Embed_OfMixedSizes_EqualsTheTransformer()
    {
        // S×S images take the direct path, the others ML.NET's resize: both must land in their own slots.
        var sized = Pictures.Pixels(_ml, Pictures.Create(3, seed: 4));
        MLImage[] Make()
        {
            var others = Pictures.Create(4, seed: 5);
            return new[] { others[0], ToImage(sized[0]), ToImage(sized[1]), others[1], others[2], ToImage(sized[2]), others[3] };
        }

        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath);
        var expected = Pictures.Column(byol.Transform(Pictures.View(_ml, Make())), "Embedding");

        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 5 });

        EmbedderAssert.Close(embedder.Embed(Make()), expected);
    }

    [Fact]
    public void EmbedPixels_EqualsTheTransformersVectorInput()
    {
        var pixels = ByolTransformerVectorTests.RandomPixels(count: 5, channels: 3);
        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath, inputColumnName: "Pixels");
        var view = _ml.Data.LoadFromEnumerable(pixels.Select(p => new PixelRow { Pixels = p }).ToList());
        var expected = Pictures.Column(byol.Transform(view), "Embedding");

        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 2 });
        var actual = embedder.EmbedPixels(pixels.SelectMany(p => p).ToArray(), pixels.Length);

        EmbedderAssert.Close(actual, expected);
        EmbedderAssert.Close(actual, TestEncoder.Run(pixels));
    }

    /// <summary>An S×S RGBA image from planar RGB floats in [0, 1].</summary>
    private static MLImage ToImage(float[] planar)
    {
        int s = TestEncoder.ImageSize, plane = s * s;
        var bytes = new byte[plane * 4];
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                bytes[p * 4 + c] = (byte)Math.Round(planar[c * plane + p] * 255f);
            }

            bytes[p * 4 + 3] = 255;
        }

        return MLImage.CreateFromPixels(s, s, MLPixelFormat.Rgba32, bytes);
    }
}
