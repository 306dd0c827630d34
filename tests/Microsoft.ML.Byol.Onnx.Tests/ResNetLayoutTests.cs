using Google.Protobuf;
using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;

namespace Microsoft.ML.Byol.Onnx.Tests;

/// <summary>Per-stage block counts: defaults, overrides, value equality, metadata and the ONNX graph they give.</summary>
public class ResNetLayoutTests
{
    [Fact]
    public void BlocksDefaultToTheArchitecture_AndCanBeOverridden()
    {
        new ResNetLayout(ByolArchitecture.ResNet18, 1f, false).BlocksPerStage.Should().Equal(2, 2, 2, 2);
        new ResNetLayout(ByolArchitecture.ResNet50, 1f, false).BlocksPerStage.Should().Equal(3, 4, 6, 3);
        new ResNetLayout(ByolArchitecture.ResNet152, 1f, false).HasDefaultBlocks.Should().BeTrue();

        var mlnet = new ResNetLayout(ByolArchitecture.ResNet18, 1f, false, new[] { 2, 2, 2, 3 });
        mlnet.BlocksPerStage.Should().Equal(2, 2, 2, 3);
        mlnet.HasDefaultBlocks.Should().BeFalse();
        mlnet.BlocksText.Should().Be("2,2,2,3");
        mlnet.ToString().Should().Contain("BlocksPerStage = [2,2,2,3]");
        (new ResNetLayout(ByolArchitecture.ResNet18, 1f, false) with { BlocksPerStage = new[] { 2, 2, 2, 3 } }).Should().Be(mlnet);
    }

    [Fact]
    public void Equality_ComparesBlockCountsByValue()
    {
        var a = new ResNetLayout(ByolArchitecture.ResNet18, 0.5f, true, new[] { 2, 2, 2, 3 });
        var b = new ResNetLayout(ByolArchitecture.ResNet18, 0.5f, true, new List<int> { 2, 2, 2, 3 });
        var standard = new ResNetLayout(ByolArchitecture.ResNet18, 0.5f, true);

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(standard);
        standard.Should().Be(new ResNetLayout(ByolArchitecture.ResNet18, 0.5f, true, new[] { 2, 2, 2, 2 }));
        standard.Should().Be(new ResNetLayout(ByolArchitecture.ResNet18, 0.5f, true, null));
    }

    [Fact]
    public void InvalidBlockCounts_AreRejected()
    {
        FluentActions.Invoking(() => new ResNetLayout(ByolArchitecture.ResNet18, 1f, false, new[] { 2, 2, 2 }))
            .Should().Throw<ArgumentException>().WithMessage("*four stages*2,2,2*");
        FluentActions.Invoking(() => new ResNetLayout(ByolArchitecture.ResNet18, 1f, false, new[] { 2, 0, 2, 2 }))
            .Should().Throw<ArgumentException>();
    }

    [Fact]
    public void OnnxGraph_HasTheBlocks_AndMetadataNamesThem()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, false, new[] { 2, 2, 2, 3 });
        var net = RandomResNet.For(layout, seed: 4);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(ResNetOnnxBuilder.Build(layout, 32, net.Get, foldBatchNorm: true));

        model.Graph.Node.Count(n => n.OpType == "Add").Should().Be(9);
        model.Graph.Node.Should().Contain(n => n.Name == "layer4.2.conv2");
        net.Requested.Should().BeEquivalentTo(net.StateDict.Keys);
        model.MetadataProps.Should().Contain(p => p.Key == OnnxMetadataKeys.BlocksPerStage && p.Value == "2,2,2,3");

        var info = ByolEncoderInfo.FromOnnxBytes(model.ToByteArray());
        info.BlocksPerStage.Should().Equal(2, 2, 2, 3);
        info.Layout.Should().Be(layout);
        info.ToString().Should().Contain("[2,2,2,3]");
    }

    [Fact]
    public void FilesWithoutTheBlocksKey_ReadAsTheArchitectureDefault()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet34, 0.0625f, true);
        var net = RandomResNet.For(layout, seed: 5);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(ResNetOnnxBuilder.Build(layout, 16, net.Get, foldBatchNorm: true));
        model.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.BlocksPerStage).Value.Should().Be("3,4,6,3");

        model.MetadataProps.Remove(model.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.BlocksPerStage));
        var info = ByolEncoderInfo.FromOnnxBytes(model.ToByteArray());

        info.BlocksPerStage.Should().Equal(3, 4, 6, 3);
        info.Layout.Should().Be(layout);
    }

    [Fact]
    public void MalformedBlocksEntry_IsNamed()
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, true);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(
            ResNetOnnxBuilder.Build(layout, 16, RandomResNet.For(layout, 6).Get, foldBatchNorm: true));
        model.MetadataProps.Single(p => p.Key == OnnxMetadataKeys.BlocksPerStage).Value = "2,2,x,2";

        FluentActions.Invoking(() => ByolEncoderInfo.FromOnnxBytes(model.ToByteArray()))
            .Should().Throw<InvalidDataException>().WithMessage("*'byol.blocks_per_stage'*2,2,x,2*");
    }
}
