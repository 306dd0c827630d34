using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using TorchSharp.Modules;

namespace Microsoft.ML.Byol.Tests.Networks;

public sealed class ResNetTests
{
    public ResNetTests() => TorchRuntime.EnsureInitialized();

    [Theory]
    // torchvision's parameter counts without the 1000-class fc layer.
    [InlineData(ByolArchitecture.ResNet18, 11_176_512L)]
    [InlineData(ByolArchitecture.ResNet34, 21_284_672L)]
    [InlineData(ByolArchitecture.ResNet50, 23_508_032L)]
    public void FullWidthParameterCountsMatchTorchvision(ByolArchitecture architecture, long expected)
    {
        using var net = new ResNet(new ResNetLayout(architecture, 1f, SmallImageStem: false));
        net.parameters().Sum(p => p.numel()).Should().Be(expected);
    }

    [Fact]
    public void StateDictFollowsTorchvisionNames()
    {
        using var r18 = new ResNet(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, false));
        var names18 = r18.state_dict().Keys.ToList();
        names18.Should().Contain(new[]
        {
            "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
            "layer1.0.conv1.weight", "layer1.1.bn2.weight", "layer2.0.downsample.0.weight",
            "layer2.0.downsample.1.running_var", "layer4.1.conv2.weight",
        });
        names18.Should().NotContain(n => n.StartsWith("layer1.0.downsample", StringComparison.Ordinal));
        names18.Should().NotContain(n => n.Contains("conv3"));

        using var r50 = new ResNet(new ResNetLayout(ByolArchitecture.ResNet50, 0.125f, false));
        var names50 = r50.state_dict().Keys.ToList();
        names50.Should().Contain(new[] { "layer1.0.downsample.0.weight", "layer1.2.conv3.weight", "layer3.5.bn3.weight", "layer4.2.bn3.running_mean" });
        names50.Should().NotContain(n => n.StartsWith("layer3.6.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ByolArchitecture.ResNet18, 0.125f, true, 32, 64)]
    [InlineData(ByolArchitecture.ResNet18, 0.25f, false, 64, 128)]
    [InlineData(ByolArchitecture.ResNet50, 0.125f, true, 16, 256)]
    [InlineData(ByolArchitecture.ResNet101, 0.125f, false, 32, 256)]
    public void OutputIsThePooledRepresentation(ByolArchitecture architecture, float width, bool smallStem, int size, int expected)
    {
        var layout = new ResNetLayout(architecture, width, smallStem);
        layout.EmbeddingSize.Should().Be(expected);
        using var net = new ResNet(layout);
        using var x = torch.rand(2, 3, size, size);
        using var y = net.call(x);
        y.shape.Should().Equal(2, expected);
        y.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void SmallImageStemKeepsResolutionAndHasNoMaxPool()
    {
        using var small = new ResNet(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true));
        small.state_dict()["conv1.weight"].shape.Should().Equal(8, 3, 3, 3);
        small.named_modules().Select(m => m.module).OfType<MaxPool2d>().Should().BeEmpty();
        using var standard = new ResNet(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: false));
        standard.state_dict()["conv1.weight"].shape.Should().Equal(8, 3, 7, 7);
        standard.named_modules().Select(m => m.module).OfType<MaxPool2d>().Should().ContainSingle();
    }

    [Fact]
    public void LastBatchNormOfEveryBlockStartsAtZero()
    {
        using var r18 = new ResNet(new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, true));
        var sd = r18.state_dict();
        foreach (var name in new[] { "layer1.0.bn2.weight", "layer4.1.bn2.weight" })
            sd[name].abs().max().item<float>().Should().Be(0f, name);
        sd["layer1.0.bn1.weight"].min().item<float>().Should().Be(1f);
        sd["layer2.0.downsample.1.weight"].min().item<float>().Should().Be(1f);

        using var r50 = new ResNet(new ResNetLayout(ByolArchitecture.ResNet50, 0.125f, true));
        var sd50 = r50.state_dict();
        sd50["layer3.2.bn3.weight"].abs().max().item<float>().Should().Be(0f);
        sd50["layer3.2.bn2.weight"].min().item<float>().Should().Be(1f);
    }
}
