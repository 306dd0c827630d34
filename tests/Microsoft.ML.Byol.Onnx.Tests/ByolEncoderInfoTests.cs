using Google.Protobuf;
using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests;

public class ByolEncoderInfoTests
{
    private static readonly Dictionary<string, string> Summary = new()
    {
        ["epochs"] = "3",
        ["steps"] = "1200",
        ["batch_size"] = "256",
        ["final_loss"] = "0.4321",
    };

    [Fact]
    public void Metadata_RoundTripsThroughBytesStreamAndFile()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet50, 0.125f, SmallImageStem: true);
        byte[] bytes = BuildModel(layout, 40, Summary);
        string path = Path.Combine(Path.GetTempPath(), $"byol-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var stream = new MemoryStream(bytes);
            foreach (var info in new[] { ByolEncoderInfo.FromOnnxBytes(bytes), ByolEncoderInfo.FromOnnx(stream), ByolEncoderInfo.FromOnnx(path) })
            {
                info.Architecture.Should().Be(ByolArchitecture.ResNet50);
                info.WidthMultiplier.Should().Be(0.125f);
                info.SmallImageStem.Should().BeTrue();
                info.ImageSize.Should().Be(40);
                info.EmbeddingSize.Should().Be(256);
                info.Mean.Should().Equal(0.485f, 0.456f, 0.406f);
                info.Std.Should().Equal(0.229f, 0.224f, 0.225f);
                info.ChannelOrder.Should().Be("RGB");
                info.PixelFormat.Should().Be("input is float RGB in [0,1], CHW");
                info.OnnxInputName.Should().Be("pixels");
                info.OnnxOutputName.Should().Be("embedding");
                info.TrainingSummary.Should().Equal(Summary);
                info.ToString().Should().Contain("ResNet50").And.Contain("256");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Metadata_UsesTheDocumentedKeys()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.3f, SmallImageStem: false);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(BuildModel(layout, 32, Summary));
        var props = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);

        props.Should().Contain(OnnxMetadataKeys.Architecture, "ResNet18")
            .And.Contain(OnnxMetadataKeys.WidthMultiplier, "0.3")
            .And.Contain(OnnxMetadataKeys.SmallImageStem, "false")
            .And.Contain(OnnxMetadataKeys.EmbeddingSize, layout.EmbeddingSize.ToString())
            .And.Contain(OnnxMetadataKeys.Mean, "0.485,0.456,0.406")
            .And.Contain("byol.training.final_loss", "0.4321");
        ByolEncoderInfo.FromOnnxBytes(model.ToByteArray()).WidthMultiplier.Should().Be(0.3f);
    }

    [Fact]
    public void PlainOnnxModel_IsRejected_NamingTheMissingKey()
    {
        var writer = new OnnxGraphWriter();
        writer.AddOutput(writer.Relu(writer.AddInput("x", 2)), 2);

        var act = () => ByolEncoderInfo.FromOnnxBytes(writer.ToBytes());

        act.Should().Throw<InvalidDataException>().WithMessage("*not a BYOL encoder*byol.format_version*");
    }

    [Fact]
    public void MissingOrMalformedEntries_AreNamed()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(BuildModel(layout, 32, null));

        var withoutSize = model.Clone();
        withoutSize.MetadataProps.Remove(withoutSize.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.EmbeddingSize));
        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(withoutSize.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'byol.embedding_size'*");

        var badArchitecture = model.Clone();
        badArchitecture.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.Architecture).Value = "ResNet9";
        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(badArchitecture.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'byol.architecture'*ResNet9*");

        var combined = model.Clone();
        combined.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.Architecture).Value = "ResNet18, ResNet34";
        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(combined.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'byol.architecture'*");

        var badMean = model.Clone();
        badMean.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.Mean).Value = "0.5,0.5";
        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(badMean.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'byol.mean'*");

        var wrongOutput = model.Clone();
        wrongOutput.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.OutputName).Value = "features";
        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(wrongOutput.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'features'*");

        ByolEncoderInfo.FromOnnxBytes(model.ToByteArray()).TrainingSummary.Should().BeEmpty();
    }

    [Fact]
    public void Training_IsTheSummaryTyped_WrittenAndReadByOneClass()
    {
        var written = new ByolTrainingInfo
        {
            Method = "BYOL",
            Recipe = "short",
            Images = 1000,
            Steps = 12_345_678_901,
            BatchSize = 256,
            BaseLearningRate = 0.2,
            TauBase = 0.996,
            Seed = -3,
            Device = "cuda:0",
            TrainingTime = TimeSpan.FromSeconds(3600.04),
            WrittenUtc = new DateTime(2026, 12, 7, 1, 2, 3, DateTimeKind.Utc),
            Library = "Microsoft.ML.Byol 0.1.0.0",
            InitialEncoder = "resnet18.onnx (ONNX)",
            FinalLoss = 0.0123449,
            Note = "kept the encoder of step 9",
            RunConfigurationJson = "{\"Seed\":-3}",
        };
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true);

        var info = ByolEncoderInfo.FromOnnxBytes(BuildModel(layout, 16, written.ToSummary()));

        info.Training.Should().BeEquivalentTo(written, o => o
            .Excluding(t => t.TrainingTime).Excluding(t => t.FinalLoss));
        info.Training.TrainingTime.Should().Be(TimeSpan.FromSeconds(3600.0), "written to a tenth of a second");
        info.Training.FinalLoss.Should().Be(0.01234, "written to five decimals");
        info.Training.WrittenUtc!.Value.Kind.Should().Be(DateTimeKind.Utc);
        info.TrainingSummary.Should().Contain("steps", "12345678901").And.Contain("date_utc", "2026-12-07T01:02:03Z")
            .And.Contain("configuration", "{\"Seed\":-3}").And.HaveCount(16);
    }

    [Fact]
    public void Training_OfAnOlderOrHandWrittenSummary_ReadsWhatItCan_AndNeverFails()
    {
        // An older file: a few summary strings, no configuration JSON.
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true);
        var old = ByolEncoderInfo.FromOnnxBytes(BuildModel(layout, 16, Summary)).Training;
        old.Steps.Should().Be(1200);
        old.BatchSize.Should().Be(256);
        old.FinalLoss.Should().Be(0.4321);
        old.RunConfigurationJson.Should().BeNull();
        old.Should().BeEquivalentTo(new ByolTrainingInfo { Steps = 1200, BatchSize = 256, FinalLoss = 0.4321 }, "every other member is unset");

        // Malformed values read as null; the text stays in TrainingSummary.
        var malformed = new Dictionary<string, string>
        {
            ["steps"] = "many",
            ["batch_size"] = "1e3",
            ["final_loss"] = "NaN",
            ["train_seconds"] = "-4",
            ["date_utc"] = "yesterday",
            ["seed"] = "99999999999",
            ["method"] = "",
        };
        var info = ByolEncoderInfo.FromOnnxBytes(BuildModel(layout, 16, malformed));
        info.Training.Should().BeEquivalentTo(new ByolTrainingInfo());
        info.TrainingSummary.Should().Contain("steps", "many");

        // No summary at all.
        ByolEncoderInfo.FromOnnxBytes(BuildModel(layout, 16, null)).Training.Should().BeEquivalentTo(new ByolTrainingInfo());
    }

    [Fact]
    public void NonOnnxBytes_AreRejectedWithInvalidData()
    {
        var act = () => ByolEncoderInfo.FromOnnxBytes(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x02 });
        act.Should().Throw<InvalidDataException>();
        var text = () => ByolEncoderInfo.FromOnnxBytes(System.Text.Encoding.UTF8.GetBytes("hello, this is not a model"));
        text.Should().Throw<InvalidDataException>();
    }

    private static byte[] BuildModel(ResNetLayout layout, int imageSize, IReadOnlyDictionary<string, string>? summary)
    {
        var net = RandomResNet.For(layout, seed: 9);
        return ResNetOnnxBuilder.Build(layout, imageSize, net.Get, foldBatchNorm: true, summary);
    }
}
