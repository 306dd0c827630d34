using Microsoft.ML.Data;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Data;

public sealed class ImageCacheBuilderFileTests : IDisposable
{
    private const int Size = 12;
    private static readonly MLContext Ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-data-tests-");

    public ImageCacheBuilderFileTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _folder.Dispose();

    private string Png(string name, MLImage image)
    {
        string path = Path.Combine(_folder.Path, name);
        using (image)
            image.Save(path);
        return path;
    }

    private IDataView Load(params string[] paths)
        => Ml.Transforms.LoadImages("Image", null, "Path")
            .Fit(Ml.Data.LoadFromEnumerable(paths.Select(p => new TestImages.PathRow { Path = p }).ToList()))
            .Transform(Ml.Data.LoadFromEnumerable(paths.Select(p => new TestImages.PathRow { Path = p }).ToList()));

    [Fact]
    public void DecodesPngFilesOnce()
    {
        var paths = new[]
        {
            Png("a.png", TestImages.Solid(30, 20, 200, 100, 50)),
            Png("b.png", TestImages.LeftRedRightBlue(40, 40)),
            Png("c.png", TestImages.Noise(17, 23, 5)),
        };
        using var store = ImageCacheBuilder.Build(Ml.Transforms, Load(paths), "Image", new CacheDecoding(Size), long.MaxValue, null, CancellationToken.None);
        (store.Count, store.Channels).Should().Be((3, 3));
        TestImages.All(store).Should().BeEquivalentTo(TestImages.MlNetPixels(Ml, Load(paths), "Image", Size), o => o.WithStrictOrdering());
        TestImages.All(store)[0].Take(1).Should().Equal((byte)200);
    }

    [Fact]
    public void CorruptFileNamesTheRowAndThePath()
    {
        string good = Png("good.png", TestImages.Solid(20, 20, 1, 2, 3));
        string bad = Path.Combine(_folder.Path, "bad.png");
        File.WriteAllBytes(bad, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3, 4, 5, 6, 7, 8 });
        var act = () => ImageCacheBuilder.Build(Ml.Transforms, Load(good, good, bad, good), "Image", new CacheDecoding(Size), long.MaxValue, null, CancellationToken.None);
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 2") && e.Message.Contains(bad) && e.Message.Contains("'Image'"));
    }

    [Fact]
    public void MissingFileNamesTheRowAndThePath()
    {
        string good = Png("good.png", TestImages.Solid(20, 20, 1, 2, 3));
        string missing = Path.Combine(_folder.Path, "missing.png");
        var act = () => ImageCacheBuilder.Build(Ml.Transforms, Load(good, missing), "Image", new CacheDecoding(Size), long.MaxValue, null, CancellationToken.None);
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 1") && e.Message.Contains(missing));
    }

    [Fact]
    public void EmptyPathNamesTheRow()
    {
        string good = Png("good.png", TestImages.Solid(20, 20, 1, 2, 3));
        var act = () => ImageCacheBuilder.Build(Ml.Transforms, Load(good, good, good, ""), "Image", new CacheDecoding(Size), long.MaxValue, null, CancellationToken.None);
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 3") && e.Message.Contains("no image"));
    }

    [Fact]
    public void MemoryMappedBuildFromFilesLeavesNoFileBehindOnFailure()
    {
        string good = Png("good.png", TestImages.Solid(20, 20, 1, 2, 3));
        string temp = Path.Combine(_folder.Path, "cache");
        Directory.CreateDirectory(temp);
        var act = () => ImageCacheBuilder.Build(Ml.Transforms, Load(good, ""), "Image", new CacheDecoding(Size), 10, null, CancellationToken.None, temp);
        act.Should().Throw<InvalidOperationException>();
        Directory.GetFiles(temp).Should().BeEmpty();
    }
}
