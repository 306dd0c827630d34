using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Data;

public sealed class ImageCacheBuilderImageTests
{
    private const int Size = 16;
    private static readonly MLContext Ml = new(seed: 1);

    public ImageCacheBuilderImageTests() => TorchRuntime.EnsureInitialized();

    // ResizeImages/ExtractPixels dispose the images they are given, so every use gets fresh ones.
    private static MLImage[] Pictures() => new[]
    {
        TestImages.Solid(20, 20, 10, 200, 30),
        TestImages.LeftRedRightBlue(48, 24),
        TestImages.Noise(13, 27, seed: 3),
        TestImages.Solid(Size, Size, 1, 2, 3),
    };

    private static ImageStore Build(IDataView data, long budget = long.MaxValue, List<string>? log = null, string column = "Image")
        => ImageCacheBuilder.Build(Ml.Transforms, data, column, new CacheDecoding(Size), budget, log is null ? null : log.Add, CancellationToken.None);

    [Fact]
    public void StoresWhatMlNetResizeAndExtractGive()
    {
        using var store = Build(TestImages.View(Ml, Pictures()));
        (store.Count, store.Channels, store.Height, store.Width).Should().Be((4, 3, Size, Size));
        store.Should().BeOfType<InMemoryImageStore>();
        var cached = TestImages.All(store);
        var expected = TestImages.MlNetPixels(Ml, TestImages.View(Ml, Pictures()), "Image", Size);
        for (int i = 0; i < cached.Length; i++)
            cached[i].Should().Equal(expected[i], $"image {i} must be what ML.NET's scoring chain sees");
    }

    [Fact]
    public void KeepsColoursAndLayoutInPlanarRgbOrder()
    {
        using var store = Build(TestImages.View(Ml, Pictures()));
        var cached = TestImages.All(store);
        int plane = Size * Size;

        cached[0].AsSpan(0, plane).ToArray().Should().AllSatisfy(v => v.Should().Be(10));
        cached[0].AsSpan(plane, plane).ToArray().Should().AllSatisfy(v => v.Should().Be(200));
        cached[0].AsSpan(2 * plane, plane).ToArray().Should().AllSatisfy(v => v.Should().Be(30));
        cached[3].Take(1).Concat(cached[3].Skip(plane).Take(1)).Concat(cached[3].Skip(2 * plane).Take(1)).Should().Equal(1, 2, 3);

        // 48×24 centre-cropped to its middle 24×24, still left red / right blue.
        for (int y = 0; y < Size; y++)
        {
            int row = y * Size;
            cached[1][row + 1].Should().Be(255, "the left is red");
            cached[1][2 * plane + row + 1].Should().Be(0, "the left has no blue");
            cached[1][row + Size - 2].Should().Be(0, "the right has no red");
            cached[1][2 * plane + row + Size - 2].Should().Be(255, "the right is blue");
        }
    }

    [Fact]
    public void GreyImagesAreStoredAsOneChannel()
    {
        var log = new List<string>();
        using var store = Build(TestImages.View(Ml, new[] { TestImages.Noise(20, 30, 1, grey: true), TestImages.Solid(8, 8, 77, 77, 77) }), log: log);
        store.Channels.Should().Be(1);
        var cached = TestImages.All(store);
        var expected = TestImages.MlNetPixels(Ml, TestImages.View(Ml, new[] { TestImages.Noise(20, 30, 1, grey: true), TestImages.Solid(8, 8, 77, 77, 77) }), "Image", Size);
        cached[0].Should().Equal(expected[0].Take(Size * Size));
        cached[1].Should().AllSatisfy(v => v.Should().Be(77));
        log.Should().Contain(line => line.Contains("grey"));
    }

    [Fact]
    public void OneColouredImageKeepsThreeChannels()
    {
        using var store = Build(TestImages.View(Ml, new[] { TestImages.Noise(20, 30, 1, grey: true), TestImages.Solid(8, 8, 77, 78, 77) }));
        store.Channels.Should().Be(3);
    }

    [Fact]
    public void SmallBudgetGivesAMemoryMappedStoreEqualToTheInMemoryOne()
    {
        using var memory = Build(TestImages.View(Ml, Pictures()));
        var log = new List<string>();
        var mapped = Build(TestImages.View(Ml, Pictures()), budget: 1000, log: log);
        var path = mapped.Should().BeOfType<MemoryMappedImageStore>().Subject.Path;
        File.Exists(path).Should().BeTrue();
        log.Should().Contain(line => line.Contains("memory-mapped"));

        long[] order = { 3, 1, 1, 0, 2 };
        using (var a = memory.Gather(order))
        using (var b = mapped.Gather(order))
        {
            b.shape.Should().Equal(a.shape);
            b.bytes.ToArray().Should().Equal(a.bytes.ToArray());
        }
        mapped.Dispose();
        File.Exists(path).Should().BeFalse("the temporary file is deleted on Dispose");
    }

    [Fact]
    public void GreyImagesOverBudgetArePackedToOneChannelInTheFile()
    {
        MLImage[] Grey() => Enumerable.Range(0, 5).Select(i => TestImages.Noise(20 + i, 20, i, grey: true)).ToArray();
        using var memory = Build(TestImages.View(Ml, Grey()));
        using var mapped = Build(TestImages.View(Ml, Grey()), budget: 3 * Size * Size);
        mapped.Should().BeOfType<MemoryMappedImageStore>();
        mapped.Channels.Should().Be(1);
        new FileInfo(((MemoryMappedImageStore)mapped).Path).Length.Should().Be(5 * Size * Size);
        TestImages.All(mapped).Should().BeEquivalentTo(TestImages.All(memory), o => o.WithStrictOrdering());
    }

    [Fact]
    public void GreyImagesThatFitTheBudgetOncePackedMoveToMemory()
    {
        MLImage[] Grey() => Enumerable.Range(0, 5).Select(i => TestImages.Noise(20, 20 + i, i, grey: true)).ToArray();
        using var memory = Build(TestImages.View(Ml, Grey()));
        using var store = Build(TestImages.View(Ml, Grey()), budget: 5 * Size * Size);
        store.Should().BeOfType<InMemoryImageStore>();
        TestImages.All(store).Should().BeEquivalentTo(TestImages.All(memory), o => o.WithStrictOrdering());
    }

    [Fact]
    public void MissingImageNamesTheRow()
    {
        var act = () => Build(TestImages.View(Ml, new[] { TestImages.Solid(20, 20, 1, 1, 1), TestImages.Solid(20, 20, 1, 1, 1), null }));
        act.Should().Throw<InvalidOperationException>().Where(e => e.Message.Contains("Row 2") && e.Message.Contains("'Image'"));
    }

    [Fact]
    public void EmptyDataIsAClearError()
    {
        var act = () => Build(TestImages.View(Ml, Array.Empty<MLImage>()));
        act.Should().Throw<ArgumentException>().WithMessage("*no rows*");
    }

    [Fact]
    public void ProgressIsLoggedAboutEveryTenPercent()
    {
        var log = new List<string>();
        using var store = Build(TestImages.View(Ml, Enumerable.Range(0, 40).Select(i => TestImages.Solid(10 + i, 12, 5, 6, 7))), log: log);
        log.Count(line => line.Contains('%')).Should().BeInRange(8, 10);
        log.Last().Should().Contain("40 images").And.Contain("MB").And.Contain(" s.");
    }

    [Fact]
    public void CancellationStopsTheBuild()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var act = () => ImageCacheBuilder.Build(Ml.Transforms, TestImages.View(Ml, Pictures()), "Image", new CacheDecoding(Size), long.MaxValue, null, source.Token);
        act.Should().Throw<OperationCanceledException>();
    }
}
