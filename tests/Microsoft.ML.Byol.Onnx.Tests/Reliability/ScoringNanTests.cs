using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// Float-vector pixels holding NaN or an infinity are refused at scoring, naming the row, as training refuses them:
/// the encoder would otherwise return a NaN embedding without an error.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ScoringNanTests
{
    private const int Plane = 3 * TestEncoder.ImageSize * TestEncoder.ImageSize;
    private readonly MLContext _ml = new(seed: 1);

    private sealed class PixelRow
    {
        [VectorType(Plane)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private static float[][] Rows(int count, int badRow, int badIndex, float badValue)
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, Plane).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        rows[badRow][badIndex] = badValue;
        return rows;
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Transformer_NonFinitePixel_IsRefusedNamingTheRow(float bad)
    {
        var rows = Rows(count: 40, badRow: 35, badIndex: 17, bad);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Pixels", null, true);
        var scored = byol.Transform(_ml.Data.LoadFromEnumerable(rows.Select(p => new PixelRow { Pixels = p }).ToList()));

        var act = () => Pictures.Column(scored, "Embedding");

        act.Should().Throw<InvalidDataException>().WithMessage($"Row 35 of column 'Pixels' holds {bad} at index 17*");
    }

    [Fact]
    public void Transformer_FinitePixels_AreScored()
    {
        var rows = Rows(count: 3, badRow: 0, badIndex: 0, 0.5f);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Pixels", null, true);
        var scored = byol.Transform(_ml.Data.LoadFromEnumerable(rows.Select(p => new PixelRow { Pixels = p }).ToList()));

        Pictures.Column(scored, "Embedding").Should().HaveCount(3).And.OnlyContain(e => e.All(float.IsFinite));
    }

    [Fact]
    public void EmbedPixels_NaN_IsRefusedNamingTheImage()
    {
        string path = TestEncoder.WriteToTempFile();
        try
        {
            using var embedder = ByolEmbedder.Load(path, new ByolEmbedderOptions { IntraOpThreads = 1 });
            var pixels = Rows(count: 3, badRow: 2, badIndex: 5, float.NaN).SelectMany(r => r).ToArray();

            var act = () => embedder.EmbedPixels(pixels, 3);

            act.Should().Throw<ArgumentException>().WithMessage("Image 2 holds NaN at index 5*");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
