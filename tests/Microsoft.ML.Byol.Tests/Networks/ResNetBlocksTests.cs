using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Networks;

/// <summary>Non-standard block counts (ML.NET's 2-2-2-3 "ResNet18") in the network, the export and the fingerprint.</summary>
public sealed class ResNetBlocksTests
{
    private static readonly ResNetLayout MlNet18 = new(ByolArchitecture.ResNet18, 0.125f, false, new[] { 2, 2, 2, 3 });

    public ResNetBlocksTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void TorchSharpResNet_BuildsTheGivenBlocks()
    {
        using var net = new ResNet(MlNet18);
        var names = net.state_dict().Keys.ToList();
        names.Should().Contain("layer4.2.conv2.weight").And.Contain("layer3.1.bn2.running_var");
        names.Should().NotContain(n => n.StartsWith("layer4.3.", StringComparison.Ordinal));
        names.Should().NotContain(n => n.StartsWith("layer3.2.", StringComparison.Ordinal));
        using var y = net.call(torch.rand(1, 3, 32, 32));
        y.shape.Should().Equal(1, 64);
    }

    [Fact]
    public void Export_WritesTheBlocksAndTheirMetadata()
    {
        using var net = new ResNet(MlNet18);
        net.eval();
        var info = ByolEncoderInfo.FromOnnxBytes(EncoderExporter.Export(net, 32, foldBatchNorm: true, null));
        info.BlocksPerStage.Should().Equal(2, 2, 2, 3);
    }

    [Fact]
    public void RunConfiguration_CarriesTheBlocks_AndADifferenceIsNamed()
    {
        var standard = EncoderConfiguration.For(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, false), 32, null);
        var mlNet = EncoderConfiguration.For(MlNet18, 32, "ResNet18.onnx");
        mlNet.Layout().Should().Be(MlNet18);
        standard.ShapeDifferences(standard, "options", "checkpoint").Should().BeEmpty();
        mlNet.ShapeDifferences(standard, "options", "checkpoint").Should().ContainSingle()
            .Which.Should().Be("blocks per stage: checkpoint 2,2,2,2, options 2,2,2,3");
    }
}
