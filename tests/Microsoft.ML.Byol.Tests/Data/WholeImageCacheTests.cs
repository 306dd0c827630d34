using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Tests.Data;

/// <summary>
/// Image columns cached whole: each picture fitted into an S×S square (aspect kept, black padding) as ML.NET's
/// ResizeImages(IsoPad) does, with its content box recorded; the parallel file pass and ML.NET's chain agree byte for
/// byte and box for box; float-vector columns keep their size.
/// </summary>
public sealed class WholeImageCacheTests : IDisposable
{
    private const int ImageSize = 32, Side = 48;
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-whole-cache-");

    public WholeImageCacheTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    // ResizeImages/ExtractPixels dispose the images they are given, so every use gets fresh ones.
    private static MLImage[] Pictures() => new[]
    {
        TestImages.LeftRedRightBlue(64, 48),   // landscape 4:3
        TestImages.Noise(30, 40, seed: 3),     // portrait 3:4
        TestImages.Noise(48, 48, seed: 4),     // already S×S: stored as it is
        TestImages.Noise(20, 20, seed: 5),     // square, scaled up
    };

    private static ImageStore Build(IDataView data, bool parallel = true, List<string>? log = null)
        => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(ImageSize, Side), long.MaxValue, log is null ? null : log.Add,
            CancellationToken.None, parallelFiles: parallel, workers: 2);

    [Fact]
    public void StoresWhatMlNetIsoPadGives_WithTheContentBoxes()
    {
        var log = new List<string>();
        using var store = Build(TestImages.View(Ml, Pictures()), log: log);
        (store.Count, store.Channels, store.Height, store.Width).Should().Be((4, 3, Side, Side));
        store.ContentBoxes.Should().Equal(new CropBox(6, 0, 36, 48), new CropBox(0, 6, 48, 36), CropBox.Whole(Side, Side), CropBox.Whole(Side, Side));
        var cached = TestImages.All(store);
        var expected = TestImages.MlNetPixels(Ml, TestImages.View(Ml, Pictures()), "Image", Side, PixelResizing.WholePicture);
        for (int i = 0; i < cached.Length; i++)
            cached[i].Should().Equal(expected[i], $"image {i} must be what ML.NET's iso-pad resize gives");
        log[0].Should().Contain($"3×{Side}×{Side}").And.Contain($"4 × {Side}² × 3 bytes").And.Contain($"for {ImageSize} px crops");
    }

    [Fact]
    public void BothSidesOfALandscapePictureAreKept_AndThePaddingIsBlack()
    {
        using var store = Build(TestImages.View(Ml, new[] { TestImages.LeftRedRightBlue(64, 48) }));
        var image = TestImages.All(store)[0];
        int plane = Side * Side;
        byte Red(int y, int x) => image[y * Side + x];
        byte Blue(int y, int x) => image[2 * plane + y * Side + x];
        (Red(24, 0), Blue(24, 0)).Should().Be(((byte)255, (byte)0), "the left edge of the picture is kept (a centre crop loses it)");
        (Red(24, Side - 1), Blue(24, Side - 1)).Should().Be(((byte)0, (byte)255), "the right edge of the picture is kept");
        image.Where((_, i) => i % plane / Side < 6).Should().OnlyContain(v => v == 0, "rows above the picture are black padding");
        image.Where((_, i) => i % plane / Side >= 42).Should().OnlyContain(v => v == 0, "rows below the picture are black padding");
    }

    [Fact]
    public void TheParallelFilePassEqualsTheChain_BytesAndBoxes()
    {
        var sizes = new[] { (64, 48), (48, 64), (31, 97), (200, 120), (17, 13), (48, 48), (150, 151) };
        var paths = new List<string>();
        for (int i = 0; i < 21; i++)
        {
            var (w, h) = sizes[i % sizes.Length];
            string name = Path.Combine(_folder.Path, $"f{i:D3}");
            paths.Add(i % 2 == 0 ? PhotoFiles.Png(name + ".png", w, h, i, alpha: i % 4 == 0) : PhotoFiles.Jpeg(name + ".jpg", w, h, i));
        }
        var rows = Ml.Data.LoadFromEnumerable(paths.Select(p => new TestImages.PathRow { Path = p }).ToList());
        var data = Ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);

        var log = new List<string>();
        using var parallel = Build(data, parallel: true, log);
        using var chain = Build(data, parallel: false);

        log[0].Should().Contain("on 2 threads");
        TestImages.All(parallel).Should().BeEquivalentTo(TestImages.All(chain), o => o.WithStrictOrdering());
        parallel.ContentBoxes.Should().NotBeNull().And.Equal(chain.ContentBoxes);
        parallel.ContentBoxes![0].Should().Be(new CropBox(6, 0, 36, 48));
        parallel.ContentBoxes![2].Should().Be(new CropBox(0, 16, 48, 15), "31×97 is fitted to 15×48, offset (48 − 15.3) / 2 truncated");
    }

    private sealed class Grey16
    {
        [VectorType(1, 16, 16)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void VectorColumnsKeepTheirSize()
    {
        var random = new Random(7);
        var rows = Enumerable.Range(0, 3).Select(_ => new Grey16 { Pixels = Enumerable.Range(0, 256).Select(_ => random.Next(256) / 255f).ToArray() }).ToList();
        using var store = ImageCacheBuilder.Build(Ml.Transforms, Ml.Data.LoadFromEnumerable(rows), "Pixels", new CacheDecoding(16, WholeImageSide: 24), long.MaxValue, null,
            CancellationToken.None);
        (store.Channels, store.Height, store.Width).Should().Be((1, 16, 16));
        store.ContentBoxes.Should().BeNull();
        TestImages.All(store)[1].Should().Equal(rows[1].Pixels.Select(v => (byte)Math.Round(v * 255, MidpointRounding.AwayFromZero)));
    }
}
