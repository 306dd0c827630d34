using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// ByolEmbedder refuses images larger than MaxImagePixels with an InvalidDataException naming the file, before any
/// pixel memory is allocated (the declared size is read from the header).
/// </summary>
[Trait("Category", "Reliability")]
[Collection(Microsoft.ML.Byol.Onnx.Tests.Support.MemoryMeasurementCollection.Name)]
public sealed class EmbedderImageLimitTests : IDisposable
{
    private readonly ReliabilityFiles _files = new();

    public void Dispose() => _files.Dispose();

    private ByolEmbedder Open(long? maxImagePixels = null)
    {
        var options = new ByolEmbedderOptions { BatchSize = 2, IntraOpThreads = 1 };
        if (maxImagePixels is { } max)
        {
            options.MaxImagePixels = max;
        }

        return ByolEmbedder.Load(_files.EncoderPath, options);
    }

    [Theory]
    [InlineData(20_000)]
    [InlineData(60_000)]
    public void EmbedFiles_BombPng_IsRefusedBeforeDecoding_NamingTheFile(int side)
    {
        using var embedder = Open();
        string bomb = _files.Bomb(side);
        var paths = new[] { _files.Png32(), bomb };

        var (error, elapsed, peakRise) = ResourceProbe.Run(() => embedder.EmbedFiles(paths));

        error.Should().BeOfType<InvalidDataException>().Which.Message.Should()
            .Contain(bomb).And.Contain($"{side}×{side}").And.Contain("MaxImagePixels").And.Contain("refused before decoding");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        peakRise.Should().BeLessThan(ResourceProbe.AllowedPeakRise);
    }

    [Fact]
    public void LowLimit_RefusesAnOrdinaryFile_TheDefaultAcceptsIt()
    {
        string png = _files.Png32();
        using (var strict = Open(maxImagePixels: 100))
        {
            var act = () => strict.EmbedFiles(new[] { png });
            act.Should().Throw<InvalidDataException>().WithMessage($"*{png}*32×32 = 1,024 pixels*MaxImagePixels = 100*");
        }

        using var embedder = Open();
        embedder.EmbedFiles(new[] { png }).Should().ContainSingle().Which.Should().HaveCount(embedder.EmbeddingSize);
    }

    [Fact]
    public void LowLimit_RefusesAnInMemoryImage_ByIndex()
    {
        using var strict = Open(maxImagePixels: 100);

        var act = () => strict.Embed(new[] { ReliabilityFiles.Noise32(1), ReliabilityFiles.Noise32(2) });

        act.Should().Throw<InvalidDataException>().WithMessage("Image 0*32×32*MaxImagePixels = 100*");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void NonPositiveLimit_IsRefusedAtLoad(long max)
    {
        var act = () => Open(maxImagePixels: max);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxImagePixels*");
    }
}
