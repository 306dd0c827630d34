using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Data;

/// <summary>
/// The parallel cache pass over LoadImages' files (direct decoder, several threads) gives the same bytes, in the same
/// order, as ML.NET's LoadImages → ResizeImages → ExtractPixels on one cursor: PNG (with and without alpha, grey)
/// and JPEG of several sizes and aspect ratios, smaller and larger than the cache size.
/// </summary>
public sealed class ParallelCacheParityTests : IDisposable
{
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-data-tests-");

    public ParallelCacheParityTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    private IDataView Load(IEnumerable<string> paths)
    {
        var rows = Ml.Data.LoadFromEnumerable(paths.Select(p => new TestImages.PathRow { Path = p }).ToList());
        return Ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
    }

    private List<string> Files(int count, bool grey = false)
    {
        var sizes = new[] { (24, 24), (64, 48), (31, 97), (200, 120), (17, 13), (32, 32), (150, 151) };
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var (w, h) = sizes[i % sizes.Length];
            string name = Path.Combine(_folder.Path, $"f{i:D3}");
            paths.Add((i % 4) switch
            {
                0 => PhotoFiles.Png(name + ".png", w, h, i, grey: grey),
                1 => PhotoFiles.Png(name + ".png", w, h, i, alpha: true, grey: grey),
                _ => PhotoFiles.Jpeg(name + ".jpg", w, h, i, grey: grey),
            });
        }
        return paths;
    }

    private static ImageStore Build(IDataView data, int size, bool parallel, int workers = 3, List<string>? log = null)
        => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(size), long.MaxValue, log is null ? null : log.Add, CancellationToken.None,
            parallelFiles: parallel, workers: workers);

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(32, 1)]
    [InlineData(32, 3)]
    [InlineData(48, 4)]
    public void ParallelCacheBytes_EqualTheChain(int size, int workers)
    {
        var data = Load(Files(150));
        var log = new List<string>();

        using var parallel = Build(data, size, parallel: true, workers, log);
        using var chain = Build(data, size, parallel: false);

        log[0].Should().Contain($"on {workers} thread");
        parallel.Channels.Should().Be(3);
        (parallel.Count, parallel.Channels).Should().Be((chain.Count, chain.Channels));
        TestImages.All(parallel).Should().BeEquivalentTo(TestImages.All(chain), o => o.WithStrictOrdering());
    }

    [Fact]
    public void GreyFiles_AreKeptAsOneChannel_LikeTheChain()
    {
        var data = Load(Files(12, grey: true));
        using var parallel = Build(data, 24, parallel: true);
        using var chain = Build(data, 24, parallel: false);
        parallel.Channels.Should().Be(1);
        TestImages.All(parallel).Should().BeEquivalentTo(TestImages.All(chain), o => o.WithStrictOrdering());
    }

    [Fact]
    public void ProgressLinesGiveRowsPerSecond()
    {
        var log = new List<string>();
        using var store = Build(Load(Files(150)), 16, parallel: true, workers: 1, log: log);
        log.Where(l => l.StartsWith("Caching images:", StringComparison.Ordinal)).Should().NotBeEmpty()
            .And.OnlyContain(l => l.Contains("rows/s"));
        log.Last().Should().Contain("rows/s");
    }

    [Fact]
    public void JpegWithExifOrientation_IsCachedAsStored_LikeTheChain()
    {
        using var bitmap = PhotoFiles.Pattern(40, 24, seed: 3);
        var jpeg = PhotoFiles.Encode(bitmap, SkiaSharp.SKEncodedImageFormat.Jpeg);
        string plain = Path.Combine(_folder.Path, "plain.jpg"), rotated = Path.Combine(_folder.Path, "orientation-6.jpg");
        File.WriteAllBytes(plain, jpeg);
        File.WriteAllBytes(rotated, PhotoFiles.WithExifOrientation(jpeg, 6));
        var data = Load(new[] { plain, rotated });

        using var parallel = Build(data, 16, parallel: true);
        using var chain = Build(data, 16, parallel: false);

        var cached = TestImages.All(parallel);
        cached.Should().BeEquivalentTo(TestImages.All(chain), o => o.WithStrictOrdering());
        cached[1].Should().Equal(cached[0], "neither ML.NET 5 nor the direct decoder applies EXIF orientation");
    }

    [Fact]
    public void Cancellation_StopsTheParallelPass_AndLeavesNoFileBehind()
    {
        var data = Load(Files(8));
        string temp = Path.Combine(_folder.Path, "cache");
        Directory.CreateDirectory(temp);
        using var source = new CancellationTokenSource();
        source.Cancel();

        var act = () => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(16), 10, null, source.Token, temp, parallelFiles: true);

        act.Should().Throw<OperationCanceledException>();
        Directory.GetFiles(temp).Should().BeEmpty();
    }
}
