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
