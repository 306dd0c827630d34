using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

public sealed class ByolTransformerSaveLoadTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-save-tests-");

    public void Dispose() => _folder.Dispose();

    private ByolTransformer CreateTransformer(string input = "Image") => ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", input, null, true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoad_GivesMlNetsOwnTransformers_AndTheSameEmbeddings(bool usedBeforeSaving)
    {
        using var byol = CreateTransformer();
        float[][] expected = usedBeforeSaving
            ? Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(4))), "Embedding")
            : TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(4)));
        string zip = Path.Combine(_folder.Path, "model.zip");

        // ML.NET cannot save an input schema whose only column is an image ("No valid columns to save"): pass none.
        _ml.Model.Save(byol, null, zip);
        var loaded = _ml.Model.Load(zip, out _);

        try
        {
            var chain = loaded.Should().BeAssignableTo<IEnumerable<ITransformer>>().Subject.ToList();
            chain.Select(t => t.GetType().Name).Should().Equal(
                "ImageResizingTransformer", "ImagePixelExtractingTransformer", "OnnxTransformer", "ColumnSelectingTransformer");
            chain.Should().OnlyContain(t => t.GetType().Assembly != typeof(ByolTransformer).Assembly);

            var actual = Pictures.Column(loaded.Transform(Pictures.View(_ml, Pictures.Create(4))), "Embedding");
            Embeddings.ShouldMatch(actual, expected);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void SaveInsideALargerPipeline_LoadsAndScores()
    {
        using var byol = CreateTransformer();
        var copy = _ml.Transforms.CopyColumns("Copy", "Embedding").Fit(byol.Transform(Pictures.View(_ml, Pictures.Create(1))));
        var pipeline = new TransformerChain<ITransformer>(byol, copy);
        var expected = TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(3)));
        string zip = Path.Combine(_folder.Path, "pipeline.zip");

        _ml.Model.Save(pipeline, null, zip);
        var loaded = _ml.Model.Load(zip, out _);

        try
        {
            Embeddings.ShouldMatch(Pictures.Column(loaded.Transform(Pictures.View(_ml, Pictures.Create(3))), "Copy"), expected);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void SaveAfterVectorUse_SavesTheVectorChain()
    {
        using var byol = CreateTransformer(input: "Pixels");
        var pixels = ByolTransformerVectorTests.RandomPixels(count: 2, channels: 1);
        var data = _ml.Data.LoadFromEnumerable(pixels.Select(p => new GreyRow { Pixels = p }).ToList());
        _ = byol.GetOutputSchema(data.Schema);
        string zip = Path.Combine(_folder.Path, "vector.zip");

        _ml.Model.Save(byol, data.Schema, zip);
        var loaded = _ml.Model.Load(zip, out _);

        try
        {
            ((IEnumerable<ITransformer>)loaded).Select(t => t.GetType().Name).Should().Equal("OnnxTransformer");
            var expected = TestEncoder.Run(pixels.Select(p => p.Concat(p).Concat(p).ToArray()).ToArray());
            Embeddings.ShouldMatch(Pictures.Column(loaded.Transform(data), "Embedding"), expected);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void Dispose_DeletesThePrivateOnnxFiles()
    {
        var byol = CreateTransformer();
        _ = Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(1))), "Embedding");
        string folder = byol.PrivateFolder;
        Directory.GetFiles(folder, "*.onnx").Should().ContainSingle();

        byol.Dispose();

        Directory.Exists(folder).Should().BeFalse();
    }

    [Fact]
    public void ExportOnnx_WritesTheEncoderAsGiven_ToFileAndStream()
    {
        using var byol = CreateTransformer();
        string path = Path.Combine(_folder.Path, "exported.onnx");

        byol.ExportOnnx(path);
        using var stream = new MemoryStream();
        byol.ExportOnnx(stream);

        File.ReadAllBytes(path).Should().Equal(TestEncoder.Bytes);
        stream.ToArray().Should().Equal(TestEncoder.Bytes);
        var info = ByolEncoderInfo.FromOnnx(path);
        info.EmbeddingSize.Should().Be(TestEncoder.EmbeddingSize);
        info.ImageSize.Should().Be(TestEncoder.ImageSize);
        info.OnnxInputName.Should().Be("pixels");
        info.TrainingSummary.Should().ContainKey("note");
    }

    private sealed class GreyRow
    {
        [VectorType(TestEncoder.ImageSize * TestEncoder.ImageSize)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }
}
