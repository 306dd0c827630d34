using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// The transformer's batched view reads LoadImages' output through the size limit: each row's file header is checked
/// before ML.NET decodes the file; in-memory images are checked once decoded. ML.NET decodes LoadImages' rows ahead on
/// several threads there, so the error names the column and the file, not always the row.
/// </summary>
[Trait("Category", "Reliability")]
[Collection(Microsoft.ML.Byol.Onnx.Tests.Support.MemoryMeasurementCollection.Name)]
public sealed class TransformerImageLimitTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly ReliabilityFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private ByolTransformer Create(long maxImagePixels = 100_000_000) =>
        ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true, maxImagePixels);

    private IDataView LoadImages(string? folder, params string[] paths)
    {
        var rows = _ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { Path = p }).ToList());
        return _ml.Transforms.LoadImages("Image", folder, nameof(PathRow.Path)).Fit(rows).Transform(rows);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(60_000)]
    public void BombPng_IsRefusedBeforeMlNetDecodesIt_NamingColumnAndFile(int side)
    {
        string bomb = _files.Bomb(side);
        using var byol = Create();
        var scored = byol.Transform(LoadImages(null, _files.Png32(), bomb));

        var (error, elapsed, peakRise) = ResourceProbe.Run(() => Pictures.Column(scored, "Embedding"));

        error.Should().BeOfType<InvalidDataException>().Which.Message.Should()
            .Contain("'Image'").And.Contain(bomb).And.Contain($"{side}×{side}").And.Contain("refused before decoding");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        peakRise.Should().BeLessThan(ResourceProbe.AllowedPeakRise);
    }

    [Fact]
    public void RelativePathsInAnImageFolder_AreResolvedAsLoadImagesDoes()
    {
        _files.Bomb(20_000);
        using var byol = Create();
        var scored = byol.Transform(LoadImages(_files.Folder, "bomb-20000.png"));

        var (error, _, peakRise) = ResourceProbe.Run(() => Pictures.Column(scored, "Embedding"));

        error.Should().BeOfType<InvalidDataException>().Which.Message.Should()
            .Contain(Path.Combine(_files.Folder, "bomb-20000.png")).And.Contain("refused before decoding");
        peakRise.Should().BeLessThan(ResourceProbe.AllowedPeakRise);
    }

    [Fact]
    public void LowLimit_RefusesAnOrdinaryFile_TheDefaultAcceptsIt()
    {
        string png = _files.Png32();
        using (var strict = Create(maxImagePixels: 100))
        {
            var act = () => Pictures.Column(strict.Transform(LoadImages(null, png)), "Embedding");
            act.Should().Throw<InvalidDataException>().WithMessage($"*'Image'*{png}*32×32*MaxImagePixels = 100*");
        }

        using var byol = Create();
        Pictures.Column(byol.Transform(LoadImages(null, png)), "Embedding").Should().ContainSingle()
            .Which.Should().HaveCount(TestEncoder.EmbeddingSize);
    }

    [Fact]
    public void InMemoryImages_AreCheckedOnceDecoded()
    {
        using var strict = Create(maxImagePixels: 100);
        var view = Pictures.View(_ml, new[] { ReliabilityFiles.Noise32(1) });

        var act = () => Pictures.Column(strict.Transform(view), "Embedding");

        act.Should().Throw<InvalidDataException>().WithMessage("*'Image'*32×32*MaxImagePixels = 100*")
            .Which.Message.Should().NotContain("refused before decoding");
    }
}
