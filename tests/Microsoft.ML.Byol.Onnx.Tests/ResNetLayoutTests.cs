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
    public void Blocks_FollowTorchvisionsRule_ProjectionWhereResolutionOrChannelsChange()
    {
        // Expected values from torchvision/models/resnet.py (_make_layer: downsample when stride != 1 or
        // inplanes != planes * expansion; Bottleneck puts the stride on conv2), written out by hand.
        var basic = new ResNetLayout(ByolArchitecture.ResNet18, 1f, false).Blocks;
        basic.Select(b => b.Prefix).Should().Equal("layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0", "layer3.1", "layer4.0", "layer4.1");
        basic.Where(b => b.HasDownsample).Select(b => b.Prefix).Should().Equal("layer2.0", "layer3.0", "layer4.0");
        basic[2].Should().Be(new ResNetBlock(1, 0, 64, 128, 128, 2, false));
        basic[2].MainBranch.Should().Equal(new ResNetBlock.Convolution(64, 128, 3, 2), new ResNetBlock.Convolution(128, 128, 3, 1));
        basic[2].Shortcut.Should().Be(new ResNetBlock.Convolution(64, 128, 1, 2));
        basic[3].Shortcut.Should().BeNull();
        basic[3].MainBranch[0].Should().Be(new ResNetBlock.Convolution(128, 128, 3, 1));

        var bottleneck = new ResNetLayout(ByolArchitecture.ResNet50, 0.5f, true).Blocks;
        bottleneck.Should().HaveCount(16);
        bottleneck.Where(b => b.HasDownsample).Select(b => b.Prefix).Should().Equal("layer1.0", "layer2.0", "layer3.0", "layer4.0");
        bottleneck[0].Should().Be(new ResNetBlock(0, 0, 32, 32, 128, 1, true));
        bottleneck[0].Shortcut.Should().Be(new ResNetBlock.Convolution(32, 128, 1, 1), "32 → 128 channels at stride 1 still needs a projection");
        bottleneck[3].MainBranch.Should().Equal(
            new ResNetBlock.Convolution(128, 64, 1, 1), new ResNetBlock.Convolution(64, 64, 3, 2), new ResNetBlock.Convolution(64, 256, 1, 1));
        bottleneck[^1].OutChannels.Should().Be(new ResNetLayout(ByolArchitecture.ResNet50, 0.5f, true).EmbeddingSize);
        bottleneck.Select(b => b.MainBranch[0].Padding).Should().AllBeEquivalentTo(0);
        bottleneck.Select(b => b.MainBranch[1].Padding).Should().AllBeEquivalentTo(1);

        var mlNet = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, false, new[] { 2, 2, 2, 3 }).Blocks;
        mlNet.Select(b => b.Prefix).Should().EndWith(new[] { "layer4.0", "layer4.1", "layer4.2" });
        mlNet[^1].Should().Be(new ResNetBlock(3, 2, 64, 64, 64, 1, false));
    }

    [Fact]
    public void Stem_IsTorchvisionsOrTheSmallImageOne_AndSetsTheFirstStageResolution()
    {
        var standard = new ResNetLayout(ByolArchitecture.ResNet18, 1f, false);
        standard.StemConvolution.Should().Be(new ResNetBlock.Convolution(3, 64, 7, 2));
        standard.StemConvolution.Padding.Should().Be(3);
        standard.StemPool.Should().Be(new ResNetLayout.Pooling(3, 2, 1));
        standard.StemPool!.Value.OutputSide(standard.StemConvolution.OutputSide(224)).Should().Be(56, "torchvision's ResNet enters layer1 at 56 px from 224 px");
        standard.StemPool!.Value.OutputSide(standard.StemConvolution.OutputSide(225)).Should().Be(57);

        var small = new ResNetLayout(ByolArchitecture.ResNet50, 0.25f, true);
        small.StemConvolution.Should().Be(new ResNetBlock.Convolution(3, 16, 3, 1));
        small.StemPool.Should().BeNull("the small-image stem has no max-pool");
        small.StemConvolution.OutputSide(32).Should().Be(32, "the small-image stem keeps the resolution");
        small.Blocks[0].InChannels.Should().Be(small.StemConvolution.OutChannels);
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
