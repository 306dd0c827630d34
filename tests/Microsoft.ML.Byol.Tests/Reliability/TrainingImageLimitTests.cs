using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// Training refuses images larger than ByolOptions.MaxImagePixels with an InvalidDataException naming the row and
/// the file. For LoadImages' output the file header is checked before ML.NET decodes the file; in-memory images are
/// checked once decoded.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class TrainingImageLimitTests : IDisposable
{
    private const int Size = 16;
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-data-tests-");

    public TrainingImageLimitTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    private string Png32(string name)
    {
        string path = Path.Combine(_folder.Path, name);
        using var image = TestImages.Noise(32, 32, seed: 3);
        image.Save(path);
        return path;
    }

    private static IDataView Load(params string[] paths)
    {
        var rows = Ml.Data.LoadFromEnumerable(paths.Select(p => new TestImages.PathRow { Path = p }).ToList());
        return Ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
    }

    private static ImageStore Build(IDataView data, long maxImagePixels = 100_000_000)
        => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(Size, MaxImagePixels: maxImagePixels), long.MaxValue, null, CancellationToken.None);

    [Theory]
    [InlineData(20_000)]
    [InlineData(60_000)]
    public void CacheBuilder_BombPng_IsRefusedBeforeMlNetDecodesIt_NamingRowAndFile(int side)
    {
        string bomb = TestPng.WriteBomb(Path.Combine(_folder.Path, $"bomb-{side}.png"), side, side);
        var data = Load(Png32("good.png"), bomb);

        var (error, elapsed, peakRise) = ResourceProbe.Run(() => Build(data).Dispose());

        error.Should().BeOfType<InvalidDataException>().Which.Message.Should()
            .StartWith("Row 1 of input column 'Image'").And.Contain(bomb).And.Contain($"{side}×{side}").And.Contain("refused before decoding");
        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        peakRise.Should().BeLessThan(ResourceProbe.AllowedPeakRise);
    }

    [Fact]
    public void Fit_BombPng_ThrowsInvalidDataException_BeforeTraining()
    {
        string bomb = TestPng.WriteBomb(Path.Combine(_folder.Path, "bomb.png"), 20_000, 20_000);
        var options = TinyRuns.Options(imageSize: Size, batchSize: 2);
        var estimator = Ml.Transforms.ByolPretrain(options);
        var data = Load(Png32("a.png"), Png32("b.png"), bomb);

        var (error, _, peakRise) = ResourceProbe.Run(() => estimator.Fit(data).Dispose());

        error.Should().BeOfType<InvalidDataException>().Which.Message.Should().Contain(bomb).And.Contain("MaxImagePixels");
        peakRise.Should().BeLessThan(ResourceProbe.AllowedPeakRise);
    }

    [Fact]
    public void LowLimit_RefusesAnOrdinaryFile_TheDefaultAcceptsIt()
    {
        string png = Png32("ordinary.png");

        var act = () => Build(Load(png), maxImagePixels: 100);

        act.Should().Throw<InvalidDataException>().WithMessage($"Row 0*{png}*32×32 = 1,024 pixels*MaxImagePixels = 100*");
        using var store = Build(Load(png));
        store.Count.Should().Be(1);
    }

    [Fact]
    public void InMemoryImages_AreCheckedOnceDecoded()
    {
        var data = TestImages.View(Ml, new[] { TestImages.Noise(32, 32, seed: 1) });

        var act = () => Build(data, maxImagePixels: 100);

        act.Should().Throw<InvalidDataException>().WithMessage("Row 0*32×32*MaxImagePixels = 100*")
            .Which.Message.Should().NotContain("refused before decoding");
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void NonPositiveLimit_IsAnOptionError(long max)
    {
        var options = TinyRuns.Options();
        options.MaxImagePixels = max;

        var act = () => Ml.Transforms.ByolPretrain(options);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ByolOptions.MaxImagePixels*");
    }
}
