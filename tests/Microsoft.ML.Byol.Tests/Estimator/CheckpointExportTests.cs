using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Estimator;

/// <summary>Checkpoints listed and exported as ONNX encoders through the public API.</summary>
public sealed class CheckpointExportTests : IDisposable
{
    private readonly ShapeFiles _files = ShapeFiles.Write(48, 20, seed: 5);
    private readonly TempFolder _folder = new("byol-ckpt-export-", create: false);

    public void Dispose()
    {
        _files.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void EveryCheckpointExportsItsOwnEncoderAndTheLastEqualsTheFittedModel()
    {
        var ml = new MLContext(1);
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16, epochs: 2);
        options.MaxSteps = 6;
        options.CheckpointDirectory = Path.Combine(_folder.Path, "checkpoints");
        options.CheckpointEverySteps = 2;
        options.CheckpointsToKeep = 10;
        var estimator = ml.Transforms.ByolPretrain(options);
        estimator.GetCheckpoints().Should().BeEmpty("nothing was trained yet");

        using var model = estimator.Fit(_files.Load(ml));
        var checkpoints = estimator.GetCheckpoints();
        checkpoints.Select(c => c.Step).Should().Equal(2, 4, 6);
        checkpoints.Should().OnlyContain(c => c.LastLoss.HasValue && double.IsFinite(c.LastLoss.Value) && File.Exists(c.Path));

        string first = Path.Combine(_folder.Path, "step2.onnx"), last = Path.Combine(_folder.Path, "step6.onnx");
        estimator.ExportCheckpointOnnx(checkpoints[0].Path, first);
        estimator.ExportCheckpointOnnx(checkpoints[^1].Path, last);
        using var lastEncoder = ml.Transforms.ApplyByolEncoder(last);
        using var firstEncoder = ml.Transforms.ApplyByolEncoder(first);
        lastEncoder.EncoderInfo.TrainingSummary["steps"].Should().Be("6");
        lastEncoder.EncoderInfo.ImageSize.Should().Be(model.EncoderInfo.ImageSize, "a checkpoint exports at the run's embedding size, as Fit").And.Be(25);

        var fitted = Embeddings(model);
        var fromLast = Embeddings(lastEncoder);
        var fromFirst = Embeddings(firstEncoder);
        Compare.MaxAbsDifference(fitted, fromLast).Should().BeLessThan(1e-5f, "the final checkpoint holds the weights Fit exported");
        Compare.MaxAbsDifference(fitted, fromFirst).Should().BeGreaterThan(1e-3f, "step 2 is an earlier encoder");

        List<float[]> Embeddings(ITransformer encoder) => encoder.Transform(_files.Load(ml)).GetColumn<float[]>("Embedding").ToList();
    }

    [Fact]
    public void ACheckpointOfAnotherNetworkOrAnotherFileIsAClearError()
    {
        var ml = new MLContext(1);
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16);
        options.MaxSteps = 2;
        options.CheckpointDirectory = Path.Combine(_folder.Path, "checkpoints");
        var estimator = ml.Transforms.ByolPretrain(options);
        using (estimator.Fit(_files.Load(ml))) { }
        string checkpoint = estimator.GetCheckpoints().Single().Path;

        var wider = TinyRuns.Options(imageSize: 16, batchSize: 16);
        wider.WidthMultiplier = 0.25f;
        FluentActions.Invoking(() => ml.Transforms.ByolPretrain(wider).ExportCheckpointOnnx(checkpoint, Path.Combine(_folder.Path, "x.onnx")))
            .Should().Throw<InvalidOperationException>().WithMessage("*width: checkpoint 0.125, options 0.25*");

        string notCheckpoint = Path.Combine(_folder.Path, "not.ckpt");
        File.WriteAllText(notCheckpoint, "hello");
        FluentActions.Invoking(() => estimator.ExportCheckpointOnnx(notCheckpoint, Path.Combine(_folder.Path, "y.onnx")))
            .Should().Throw<InvalidDataException>().WithMessage("*not a BYOL checkpoint*");
        FluentActions.Invoking(() => estimator.ExportCheckpointOnnx(Path.Combine(_folder.Path, "missing.ckpt"), Path.Combine(_folder.Path, "z.onnx")))
            .Should().Throw<FileNotFoundException>();
    }
}
