using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Tests.Support;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// <see cref="ByolOptions.InvalidImageHandling"/> through <see cref="ByolEstimator.Fit"/> on a folder of small photos
/// with about 3 % broken files, and with a JPEG and a PNG cut in their image data (header intact).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class InvalidImageFitTests : IDisposable
{
    private readonly BrokenPhotoFolder _photos = new();

    public void Dispose() => _photos.Dispose();

    private static ByolOptions Tiny(ByolInvalidImageHandling handling)
    {
        var options = TinyRuns.Options(imageSize: 16, batchSize: 8);
        options.MaxSteps = 2;
        options.InvalidImageHandling = handling;
        return options;
    }

    [Fact]
    public void Skip_FitFinishes_AndTheLogNamesTheSkippedFiles()
    {
        var ml = new MLContext(3);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Skipped", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var options = Tiny(ByolInvalidImageHandling.Skip);
        options.MonitorLabelColumnName = "Label";

        using var model = ml.Transforms.ByolPretrain(options).Fit(_photos.Load(ml));

        model.EncoderInfo.TrainingSummary["steps"].Should().Be("2");
        string line = log.Should().ContainSingle().Which;
        line.Should().Contain($"Skipped 5 of {_photos.Paths.Length} rows");
        foreach (int row in _photos.BadRows)
            line.Should().Contain($"Row {row} ").And.Contain(Path.GetFileName(_photos.Paths[row]));
    }

    [Fact]
    public void Throw_IsTheDefault_AndFitFailsNamingTheFirstBrokenFile()
    {
        var ml = new MLContext(3);
        new ByolOptions().InvalidImageHandling.Should().Be(ByolInvalidImageHandling.Throw);

        var act = () => ml.Transforms.ByolPretrain(Tiny(ByolInvalidImageHandling.Throw)).Fit(_photos.Load(ml)).Dispose();

        int first = _photos.BadRows[0];
        act.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain($"Row {first} ").And.Contain(_photos.Paths[first]);
    }

    [Fact]
    public void Skip_FilesCutInTheirImageData_AreLeftOut_AndTheLogNamesThem()
    {
        var ml = new MLContext(3);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Skipped", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var (paths, cut) = _photos.WithCutFiles(rows: 20);

        using var model = ml.Transforms.ByolPretrain(Tiny(ByolInvalidImageHandling.Skip)).Fit(_photos.Load(ml, paths));

        model.EncoderInfo.TrainingSummary["steps"].Should().Be("2");
        string line = log.Should().ContainSingle().Which;
        line.Should().Contain($"Skipped 2 of {paths.Length} rows").And.Contain("truncated");
        foreach (int row in cut)
            line.Should().Contain($"Row {row} ").And.Contain(Path.GetFileName(paths[row]));
    }

    [Fact]
    public void Throw_AFileCutInItsImageData_FitFailsNamingRowAndFile()
    {
        var ml = new MLContext(3);
        var (paths, cut) = _photos.WithCutFiles(rows: 20);

        var act = () => ml.Transforms.ByolPretrain(Tiny(ByolInvalidImageHandling.Throw)).Fit(_photos.Load(ml, paths)).Dispose();

        act.Should().Throw<InvalidOperationException>().Which.Message.Should()
            .Contain($"Row {cut[0]} ").And.Contain(paths[cut[0]]).And.Contain("truncated");
    }

    [Fact]
    public void Skip_EveryFileBroken_FitFails()
    {
        var ml = new MLContext(3);
        var act = () => ml.Transforms.ByolPretrain(Tiny(ByolInvalidImageHandling.Skip))
            .Fit(_photos.Load(ml, _photos.BadRows.Select(r => _photos.Paths[r]))).Dispose();
        act.Should().Throw<InvalidOperationException>().WithMessage("Every one of the 5 rows*");
    }

    [Fact]
    public void UndefinedValue_IsAnOptionError()
    {
        var options = Tiny((ByolInvalidImageHandling)7);
        var act = () => new MLContext().Transforms.ByolPretrain(options);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*InvalidImageHandling*");
    }
}
