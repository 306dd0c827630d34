using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// The image cache with broken files: Skip leaves them out (in order, logged by row and file), Throw names the first
/// one, all-bad is an error either way; the monitor labels follow the kept rows. Both the parallel direct-decoder
/// pass and ML.NET's one-cursor chain are checked. A file cut in its image data (header intact) is broken for the
/// direct decoder; in-memory images decoded from such a file by ML.NET are kept (the library never sees the file).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class InvalidImageCacheTests : IDisposable
{
    private const int Size = 16;
    private static readonly MLContext Ml = new(seed: 1);
    private readonly BrokenPhotoFolder _photos = new();

    public InvalidImageCacheTests() => TorchRuntime.EnsureInitialized();

    public void Dispose() => _photos.Dispose();

    private static ImageStore Build(IDataView data, ByolInvalidImageHandling handling, List<string>? log = null, List<int>? kept = null,
        bool parallel = true, long budget = long.MaxValue)
        => ImageCacheBuilder.Build(Ml.Transforms, data, "Image", new CacheDecoding(Size), budget, log is null ? null : log.Add, CancellationToken.None,
            invalidImages: handling, keptRows: kept, parallelFiles: parallel, workers: 3);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Skip_LeavesTheBrokenRowsOut_InOrder_AndLogsThem(bool parallel)
    {
        var log = new List<string>();
        var kept = new List<int>();

        using var store = Build(_photos.Load(Ml), ByolInvalidImageHandling.Skip, log, kept, parallel);

        kept.Should().Equal(_photos.GoodRows);
        store.Count.Should().Be(_photos.GoodRows.Length);
        var expected = TestImages.MlNetPixels(Ml, _photos.Load(Ml, _photos.GoodRows.Select(r => _photos.Paths[r])), "Image", Size);
        TestImages.All(store).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
        string summary = log.Should().ContainSingle(l => l.StartsWith("Skipped", StringComparison.Ordinal)).Which;
        summary.Should().Contain($"Skipped 5 of {_photos.Paths.Length} rows");
        foreach (int row in _photos.BadRows)
            summary.Should().Contain($"Row {row} ").And.Contain(_photos.Paths[row]);
    }

    [Fact]
    public void Skip_WithAMemoryMappedCache_KeepsOnlyTheGoodRows()
    {
        var kept = new List<int>();
        using var store = Build(_photos.Load(Ml), ByolInvalidImageHandling.Skip, kept: kept, budget: 1000);
        store.Should().BeOfType<MemoryMappedImageStore>();
        store.Count.Should().Be(_photos.GoodRows.Length);
        var expected = TestImages.MlNetPixels(Ml, _photos.Load(Ml, _photos.GoodRows.Select(r => _photos.Paths[r])), "Image", Size);
        TestImages.All(store).Should().BeEquivalentTo(expected, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Throw_NamesTheFirstBrokenRowAndFile(bool parallel)
    {
        var act = () => Build(_photos.Load(Ml), ByolInvalidImageHandling.Throw, parallel: parallel);

        int first = _photos.BadRows[0];
        act.Should().Throw<InvalidOperationException>()
            .Which.Message.Should().StartWith($"Row {first} of input column 'Image'").And.Contain(_photos.Paths[first]);
    }

    [Fact]
    public void Throw_BombFile_IsAnInvalidDataExceptionNamingRowAndFile()
    {
        string bomb = _photos.Paths[_photos.BadRows[^1]];
        var act = () => Build(_photos.Load(Ml, new[] { _photos.Paths[0], bomb }), ByolInvalidImageHandling.Throw);
        act.Should().Throw<InvalidDataException>().Which.Message.Should()
            .StartWith("Row 1 of input column 'Image'").And.Contain(bomb).And.Contain("MaxImagePixels");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Skip_EveryRowBroken_IsAClearError(bool parallel)
    {
        var bad = _photos.BadRows.Select(r => _photos.Paths[r]).ToList();
        var act = () => Build(_photos.Load(Ml, bad), ByolInvalidImageHandling.Skip, parallel: parallel);
        act.Should().Throw<InvalidOperationException>().WithMessage("Every one of the 5 rows of input column 'Image'*nothing to train on*")
            .Which.Message.Should().Contain(bad[0]);
    }

    [Fact]
    public void Skip_FilesCutInTheirImageData_AreLeftOut_AndNamed()
    {
        var (paths, cut) = _photos.WithCutFiles();
        var log = new List<string>();
        var kept = new List<int>();

        using var store = Build(_photos.Load(Ml, paths), ByolInvalidImageHandling.Skip, log, kept);

        kept.Should().Equal(Enumerable.Range(0, paths.Length).Except(cut));
        store.Count.Should().Be(paths.Length - 2);
        string summary = log.Should().ContainSingle(l => l.StartsWith("Skipped", StringComparison.Ordinal)).Which;
        summary.Should().Contain($"Skipped 2 of {paths.Length} rows");
        foreach (int row in cut)
            summary.Should().Contain($"Row {row} ").And.Contain(paths[row]);
        summary.Should().Contain("truncated");
    }

    [Theory]
    [InlineData(0)] // the JPEG
    [InlineData(1)] // the PNG
    public void Throw_AFileCutInItsImageData_NamesRowAndFile(int which)
    {
        var (paths, cut) = _photos.WithCutFiles();
        string file = paths[cut[which]];
        var rows = paths.Where((_, i) => i == cut[which] || !cut.Contains(i)).ToArray();
        int row = Array.IndexOf(rows, file);

        var act = () => Build(_photos.Load(Ml, rows), ByolInvalidImageHandling.Throw);

        act.Should().Throw<InvalidOperationException>().Which.Message.Should()
            .StartWith($"Row {row} of input column 'Image'").And.Contain(file).And.Contain("truncated");
    }

    [Fact]
    public void InMemoryImages_AFileCutInItsImageData_IsKept_AsMlNetDecodesIt()
    {
        // The documented limit: an in-memory MLImage hides its file, and ML.NET decodes a cut file as a partial picture.
        var (paths, _) = _photos.WithCutFiles();
        var images = paths.Select(MLImage.CreateFromFile).ToList();
        var log = new List<string>();
        try
        {
            using var store = Build(TestImages.View(Ml, images), ByolInvalidImageHandling.Skip, log);
            store.Count.Should().Be(paths.Length);
            log.Should().NotContain(l => l.StartsWith("Skipped", StringComparison.Ordinal));
        }
        finally
        {
            images.ForEach(i => i.Dispose());
        }
    }

    [Fact]
    public void MonitorLabels_FollowTheKeptRows()
    {
        var kept = new List<int>();
        var data = _photos.Load(Ml);
        using var store = Build(data, ByolInvalidImageHandling.Skip, kept: kept);

        // Labels are "row{i}", unique and in row order, so MapValueToKey gives label i to row i.
        var labels = MonitorLabels.Read(Ml.Transforms, data, "Label", kept);

        labels.Should().Equal(_photos.GoodRows);
        labels.Should().HaveCount(store.Count);
    }
}
