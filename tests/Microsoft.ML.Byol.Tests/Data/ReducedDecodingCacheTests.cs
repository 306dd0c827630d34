using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using SkiaSharp;

namespace Microsoft.ML.Byol.Tests.Data;

/// <summary>
/// <see cref="ByolOptions.ReducedSizeDecoding"/> in the training cache: a large JPEG is decoded at a reduced size that
/// keeps twice the cached side and the cached picture stays close to the full decode's; PNGs and the default keep
/// ML.NET's bytes exactly; the option reaches the cache from <see cref="ByolEstimator.Fit"/>.
/// </summary>
public sealed class ReducedDecodingCacheTests : IDisposable
{
    private const int ImageSize = 32, Side = 48;
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-reduced-cache-");
    private readonly string[] _paths;

    public ReducedDecodingCacheTests()
    {
        TorchRuntime.EnsureInitialized();
        using var photo = PhotoFiles.Smooth(1600, 1200);   // 1/8 keeps 200×150: short side 150 ≥ 2 × 48
        string jpeg = Path.Combine(_folder.Path, "photo.jpg"), png = Path.Combine(_folder.Path, "photo.png");
        File.WriteAllBytes(jpeg, PhotoFiles.Encode(photo, SKEncodedImageFormat.Jpeg, quality: 92));
        File.WriteAllBytes(png, PhotoFiles.Encode(photo, SKEncodedImageFormat.Png));
        _paths = new[] { jpeg, png };
    }

    public void Dispose() => _folder.Dispose();

    private IDataView Files(MLContext ml)
    {
        var rows = ml.Data.LoadFromEnumerable(_paths.Select(p => new TestImages.PathRow { Path = p }).ToList());
        return ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
    }

    private ImageStore Build(bool reduced, List<string>? log = null)
        => ImageCacheBuilder.Build(Ml.Transforms, Files(Ml), "Image", new CacheDecoding(ImageSize, Side, ReducedDecoding: reduced), long.MaxValue,
            log is null ? null : log.Add, CancellationToken.None, workers: 2);

    [Fact]
    public void AReducedJpeg_IsCachedCloseToTheFullDecode_APngExactly()
    {
        var log = new List<string>();
        using var full = Build(reduced: false);
        using var reduced = Build(reduced: true, log);
        var (a, b) = (TestImages.All(full), TestImages.All(reduced));

        b[1].Should().Equal(a[1], "a PNG is decoded at full size either way");
        b[0].Should().NotEqual(a[0], "the JPEG was decoded at a reduced size");
        var difference = a[0].Zip(b[0], (x, y) => Math.Abs(x - y)).ToArray();
        difference.Average().Should().BeLessThan(2.0, "a smooth picture reduced by the DCT is the same picture (mean, in 0-255 steps)");
        difference.Max().Should().BeLessThan(40);
        reduced.ContentBoxes.Should().Equal(full.ContentBoxes, "the picture's box comes from its aspect ratio, whatever the decoded size");
        log[0].Should().Contain("ReducedSizeDecoding");
    }

    [Fact]
    public void TheDefault_IsOff_AndFitPassesTheOptionToTheCache()
    {
        new ByolOptions().ReducedSizeDecoding.Should().BeFalse("the default keeps the bytes of ML.NET's chain");
        var ml = new MLContext(3);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Caching", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var options = TinyRuns.Options(imageSize: 16, batchSize: 2);
        options.MaxSteps = 0;
        options.ReducedSizeDecoding = true;

        using var model = ml.Transforms.ByolPretrain(options).Fit(Files(ml));

        log.Should().ContainSingle().Which.Should().Contain("at a reduced size");
    }
}
