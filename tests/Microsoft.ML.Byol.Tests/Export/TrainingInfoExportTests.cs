using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Export;

/// <summary>The run record an exported encoder carries, read back typed by <see cref="ByolEncoderInfo.Training"/>.</summary>
public sealed class TrainingInfoExportTests
{
    public TrainingInfoExportTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void ExportedEncoder_ReadsTheRunBackTyped_AndItsConfigurationJson()
    {
        using var store = TinyRuns.Shapes(100, 16);
        var options = new ByolOptions { Architecture = ByolArchitecture.ResNet18, WidthMultiplier = 0.125f, ImageSize = 16, Epochs = 2, Device = "cpu" };
        var run = RunPlanner.Plan(options, store, initial: null, seed: 11, monitor: null, _ => { });
        using var encoder = new ResNet(run.Encoder.Layout());
        encoder.eval();
        var before = DateTime.UtcNow.AddSeconds(-1);

        byte[] onnx = EncoderExporter.Export(encoder, run.Encoder.ImageSize, foldBatchNorm: true,
            run.Summary(7, "cpu", TimeSpan.FromMilliseconds(12_345), 0.123456789, "a note"));
        var info = ByolEncoderInfo.FromOnnxBytes(onnx);

        var training = info.Training;
        training.Method.Should().Be("BYOL");
        training.Recipe.Should().Be(run.Recipe);
        training.Images.Should().Be(100);
        training.Steps.Should().Be(7);
        training.BatchSize.Should().Be(run.Plan.BatchSize);
        training.BaseLearningRate.Should().Be(run.BaseLearningRate);
        training.TauBase.Should().Be(run.TauBase);
        training.Seed.Should().Be(11);
        training.Device.Should().Be("cpu");
        training.TrainingTime.Should().Be(TimeSpan.FromSeconds(12.3), "the time is written to a tenth of a second");
        training.FinalLoss.Should().Be(0.12346, "the loss is written to five decimals");
        training.Note.Should().Be("a note");
        training.InitialEncoder.Should().BeNull("the run starts from random weights");
        training.Library.Should().StartWith("Microsoft.ML.Byol ");
        training.WrittenUtc.Should().NotBeNull();
        training.WrittenUtc!.Value.Kind.Should().Be(DateTimeKind.Utc);
        training.WrittenUtc.Value.Should().BeOnOrAfter(before).And.BeOnOrBefore(DateTime.UtcNow);

        // The configuration is the one JSON the checkpoints carry, not a copy: it reads back as the same record.
        training.RunConfigurationJson.Should().NotBeNull();
        RunConfiguration.FromJson(training.RunConfigurationJson!, "the exported encoder").ToJson().Should().Be(run.ToJson());

        // The string view is unchanged, and agrees.
        info.TrainingSummary["steps"].Should().Be("7");
        info.TrainingSummary["final_loss"].Should().Be("0.12346");
        info.TrainingSummary["configuration"].Should().Be(run.ToJson());
    }
}
