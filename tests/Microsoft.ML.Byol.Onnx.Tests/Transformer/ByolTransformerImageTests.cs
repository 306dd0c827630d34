using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

public class ByolTransformerImageTests
{
    private readonly MLContext _ml = new(seed: 1);

    private ByolTransformer CreateTransformer(string output = "Embedding", string input = "Image") =>
        ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, output, input, gpuDeviceId: null, fallbackToCpu: true);

    [Fact]
    public void Transform_OfMLImages_EqualsOnnxRuntimeOnTheSamePreprocessedPixels()
    {
        using var byol = CreateTransformer();
        var scored = byol.Transform(Pictures.View(_ml, Pictures.Create(5)));

        var column = scored.Schema["Embedding"];
        var type = column.Type.Should().BeOfType<VectorDataViewType>().Subject;
        type.ItemType.Should().Be(NumberDataViewType.Single);
        type.Dimensions.Should().Equal(TestEncoder.EmbeddingSize);
        scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Image", "Embedding");

        var actual = Pictures.Column(scored, "Embedding");
        var expected = TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(5)));
        Embeddings.ShouldMatch(actual, expected);
        Embeddings.ShouldBeInformative(expected);
    }

    [Fact]
    public void GetOutputSchema_IsInputPlusAKnownSizeEmbedding_WithCustomNames()
    {
        using var byol = CreateTransformer(output: "Features", input: "Picture");
        var input = Pictures.View(_ml, Pictures.Create(1), column: "Picture").Schema;

        var schema = byol.GetOutputSchema(input);

        schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal(input.Where(c => !c.IsHidden).Select(c => c.Name).Append("Features"));
        schema["Features"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, TestEncoder.EmbeddingSize));
        byol.IsRowToRowMapper.Should().BeTrue();
        byol.EncoderInfo.EmbeddingSize.Should().Be(TestEncoder.EmbeddingSize);
        byol.EncoderInfo.ImageSize.Should().Be(TestEncoder.ImageSize);
    }

    [Fact]
    public void PredictionEngine_GivesTheSameEmbeddings()
    {
        using var byol = CreateTransformer();
        using var engine = _ml.Model.CreatePredictionEngine<Pictures.ImageRow, Pictures.EmbeddingRow>(byol);
        var expected = TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(3)));

        var actual = Pictures.Create(3).Select(image => engine.Predict(new Pictures.ImageRow { Image = image }).Embedding).ToArray();

        Embeddings.ShouldMatch(actual, expected);
    }

    [Fact]
    public void EmbeddingReplacingTheImageColumn_Works()
    {
        using var byol = CreateTransformer(output: "Image", input: "Image");
        var scored = byol.Transform(Pictures.View(_ml, Pictures.Create(2)));

        scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Image");
        Embeddings.ShouldMatch(Pictures.Column(scored, "Image"), TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(2))));
    }
}
