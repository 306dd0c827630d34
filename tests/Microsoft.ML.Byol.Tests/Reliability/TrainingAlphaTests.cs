using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>Training sees transparent pixels as black too (alpha premultiplied by ML.NET's MLImage), as scoring does.</summary>
[Trait("Category", "Reliability")]
public sealed class TrainingAlphaTests : IDisposable
{
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-data-tests-");

    public TrainingAlphaTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Cache_TransparentGreyIsBlack()
    {
        // 32×32 grey 200, left half opaque, right half transparent; cached at 32 (no resampling).
        var grey = new byte[32 * 32 * 2];
        for (int p = 0; p < 32 * 32; p++)
            (grey[2 * p], grey[2 * p + 1]) = (200, (byte)(p % 32 < 16 ? 255 : 0));
        string path = Path.Combine(_folder.Path, "grey-alpha.png");
        File.WriteAllBytes(path, TestPng.Encode(32, 32, TestPng.GreyAlpha, grey));
        var rows = Ml.Data.LoadFromEnumerable(new[] { new TestImages.PathRow { Path = path } });
        var data = Ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);

        using var store = ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(32), long.MaxValue, null, CancellationToken.None);

        var pixels = TestImages.All(store)[0];
        pixels[5 * 32 + 3].Should().Be(200, "an opaque pixel keeps its grey");
        pixels[5 * 32 + 20].Should().Be(0, "a transparent pixel is premultiplied to black");
    }
}
