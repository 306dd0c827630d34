using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

public class ByolTransformerVectorTests
{
    private const int Size = TestEncoder.ImageSize;
    private readonly MLContext _ml = new(seed: 1);

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    [Theory]
    [InlineData(3, new[] { 3, Size, Size })]
    [InlineData(3, new[] { 3 * Size * Size })]
    [InlineData(1, new[] { 1, Size, Size })]
    [InlineData(1, new[] { Size, Size })]
    [InlineData(1, new[] { Size * Size })]
    public void FloatVectorInput_EqualsOnnxRuntime(int channels, int[] dimensions)
    {
        var pixels = RandomPixels(count: 3, channels);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Pixels", null, true);

        var scored = byol.Transform(View(pixels, dimensions));

        scored.Schema["Embedding"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, TestEncoder.EmbeddingSize));
        var expected = TestEncoder.Run(pixels.Select(p => channels == 3 ? p : p.Concat(p).Concat(p).ToArray()).ToArray());
        Embeddings.ShouldMatch(Pictures.Column(scored, "Embedding"), expected);
        Embeddings.ShouldBeInformative(expected);
    }

    [Fact]
    public void EmbeddingReplacingThePixelColumn_Works()
    {
        var pixels = RandomPixels(count: 2, channels: 3);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Pixels", "Pixels", null, true);

        var scored = byol.Transform(View(pixels, new[] { 3, Size, Size }));

        scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Pixels");
        Embeddings.ShouldMatch(Pictures.Column(scored, "Pixels"), TestEncoder.Run(pixels));
    }

    [Theory]
    [InlineData("pixels", "embedding")]
    [InlineData("embedding", "pixels")]
    [InlineData("normalize.mean", "conv1.weight")]
    public void ColumnNamesThatAreTensorNamesOfTheEncoder_Work(string input, string output)
    {
        var pixels = RandomPixels(count: 2, channels: 3);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, output, input, null, true);

        var scored = byol.Transform(View(pixels, new[] { 3, Size, Size }, column: input));

        Embeddings.ShouldMatch(Pictures.Column(scored, output), TestEncoder.Run(pixels));
    }

    [Fact]
    public void ImagesAndVectors_ThroughOneTransformer_EachGetTheirOwnChain()
    {
        var pixels = RandomPixels(count: 2, channels: 3);
        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true);

        var fromVectors = Pictures.Column(byol.Transform(View(pixels, new[] { 3, Size, Size }, column: "Image")), "Embedding");
        var fromImages = Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(2))), "Embedding");

        Embeddings.ShouldMatch(fromVectors, TestEncoder.Run(pixels));
        Embeddings.ShouldMatch(fromImages, TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(2))));
    }

    internal static float[][] RandomPixels(int count, int channels, int seed = 3)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, channels * Size * Size).Select(_ => random.NextSingle()).ToArray())
            .ToArray();
    }

    private IDataView View(float[][] pixels, int[] dimensions, string column = "Pixels")
    {
        var definition = SchemaDefinition.Create(typeof(PixelRow));
        var pixelColumn = definition[nameof(PixelRow.Pixels)];
        pixelColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimensions);
        pixelColumn.ColumnName = column;
        return _ml.Data.LoadFromEnumerable(pixels.Select(p => new PixelRow { Pixels = p }).ToList(), definition);
    }
}
