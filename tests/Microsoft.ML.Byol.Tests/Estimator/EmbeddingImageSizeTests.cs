using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary>
/// <see cref="ByolOptions.EmbeddingImageSize"/> through <c>Fit</c>: the size the exported encoder takes, which the
/// transformer and a reload both use; the training size stays in the encoder's training record.
/// </summary>
public sealed class EmbeddingImageSizeTests : IDisposable
{
    private const int TrainingSize = 16;
    private readonly ShapeFiles _files = ShapeFiles.Write(32, 24, seed: 4);
    private readonly TempFolder _folder = new("byol-embedding-size-");

    public void Dispose()
    {
        _files.Dispose();
        _folder.Dispose();
    }

    private sealed class PixelRow
    {
        [VectorType(3, TrainingSize, TrainingSize)]
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private static ByolOptions Options(string column)
    {
        var options = TinyRuns.Options(imageSize: TrainingSize, batchSize: 16);
        options.MaxSteps = 2;
        options.InputColumnName = column;
        return options;
    }

    [Fact]
    public void ASetSizeIsWhatTheEncoderTakesAndWhatItsReloadEmbedsAt()
    {
        var ml = new MLContext(1);
        var options = Options("Image");
        options.EmbeddingImageSize = 24;
        using var model = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        model.EncoderInfo.ImageSize.Should().Be(24);
        model.EncoderInfo.Training!.ImageSize.Should().Be(TrainingSize);

        string path = Path.Combine(_folder.Path, "encoder.onnx");
        model.ExportOnnx(path);
        using var reloaded = ml.Transforms.ApplyByolEncoder(path);
        reloaded.EncoderInfo.ImageSize.Should().Be(24);
        var embedded = model.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList();
        Compare.MaxAbsDifference(embedded, reloaded.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList()).Should().BeLessThan(1e-5f);

        // The same weights embedded at the training size give other vectors: the size is not only a label.
        options.EmbeddingImageSize = TrainingSize;
        using var atTrainingSize = ml.Transforms.ByolPretrain(options).Fit(_files.Load(ml));
        atTrainingSize.EncoderInfo.ImageSize.Should().Be(TrainingSize);
        Compare.MaxAbsDifference(embedded, atTrainingSize.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList())
            .Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void PixelVectorsAreEmbeddedAtTheTrainingSizeAndAnotherSetSizeIsAClearError()
    {
        var ml = new MLContext(1);
        var (bytes, _) = SyntheticShapes.Generate(32, TrainingSize, seed: 2);
        int plane = 3 * TrainingSize * TrainingSize;
        var rows = Enumerable.Range(0, 32).Select(i => new PixelRow { Pixels = bytes.AsSpan(i * plane, plane).ToArray().Select(b => b / 255f).ToArray() }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        using var model = ml.Transforms.ByolPretrain(Options("Pixels")).Fit(data);
        model.EncoderInfo.ImageSize.Should().Be(TrainingSize, "a pixel vector's C×S×S values are the scoring contract");
        model.Transform(data).GetColumn<float[]>("Embedding").Should().HaveCount(32).And.OnlyContain(e => e.All(float.IsFinite));

        var larger = Options("Pixels");
        larger.EmbeddingImageSize = 20;
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(larger).Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("EmbeddingImageSize is 20*'Pixels' holds pixel vectors*");
    }
}
