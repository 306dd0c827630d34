using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Tests.Optim;

public sealed class LarsParametersTests
{
    public LarsParametersTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void ShortcutBatchNormIsExcludedAndConvWeightsAreAdapted()
    {
        using var model = nn.Sequential(
            ("conv1", nn.Conv2d(3, 4, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(4)),
            ("layer1", nn.Sequential(new TestBlock(4, 8))),
            ("fc", nn.Linear(8, 5)));

        var list = LarsParameters.From(model);
        var excluded = list.ToDictionary(p => p.Name, p => p.Excluded);

        excluded.Should().Equal(new Dictionary<string, bool>
        {
            ["conv1.weight"] = false,
            ["bn1.weight"] = true,
            ["bn1.bias"] = true,
            ["layer1.0.conv1.weight"] = false,
            ["layer1.0.bn1.weight"] = true,
            ["layer1.0.bn1.bias"] = true,
            ["layer1.0.downsample.0.weight"] = false,
            ["layer1.0.downsample.1.weight"] = true,
            ["layer1.0.downsample.1.bias"] = true,
            ["fc.weight"] = false,
            ["fc.bias"] = true,
        });
        list.Should().HaveCount(model.parameters().Count());
    }

    [Fact]
    public void NormLayersAreExcludedWhateverTheyAreCalled()
    {
        using var model = nn.Sequential(
            ("fc", nn.Linear(4, 4)),
            ("weird_name", nn.BatchNorm1d(4)),
            ("anything", nn.LayerNorm(4)),
            ("x", nn.GroupNorm(2, 4)),
            ("y", nn.InstanceNorm1d(4, affine: true)),
            ("z", nn.BatchNorm3d(4)));

        var list = LarsParameters.From(model);

        list.Where(p => !p.Excluded).Select(p => p.Name).Should().Equal("fc.weight");
        list.Select(p => p.Name).Should().Contain(new[] { "weird_name.weight", "weird_name.bias", "anything.weight", "x.weight", "y.bias", "z.weight" });
        list.Should().OnlyContain(p => ReferenceEquals(p.Parameter, OptimTestModels.Get(model, p.Name)));
    }

    [Fact]
    public void PrefixIsPrependedAndARootNormLayerIsExcluded()
    {
        using var bn = nn.BatchNorm2d(3);
        LarsParameters.From(bn, "online.encoder").Select(p => (p.Name, p.Excluded))
            .Should().Equal(("online.encoder.weight", true), ("online.encoder.bias", true));

        using var linear = nn.Linear(2, 2);
        LarsParameters.From(linear, "head").Select(p => (p.Name, p.Excluded))
            .Should().Equal(("head.weight", false), ("head.bias", true));
    }

    [Fact]
    public void ASharedParameterIsListedOnce()
    {
        using var shared = nn.Linear(3, 3);
        using var model = nn.Sequential(("a", shared), ("b", shared));
        LarsParameters.From(model).Select(p => p.Name).Should().Equal("a.weight", "a.bias");
    }
}

public sealed class NormLayerKindTests
{
    public NormLayerKindTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void NormLayersAreRecognisedByTypeAndWeightLayersAreNot()
    {
        var norms = new nn.Module[]
        {
            nn.BatchNorm1d(2), nn.BatchNorm2d(2), nn.BatchNorm3d(2), nn.GroupNorm(1, 2), nn.LayerNorm(2),
            nn.InstanceNorm1d(2), nn.InstanceNorm2d(2), nn.InstanceNorm3d(2),
        };
        var others = new nn.Module[] { nn.Linear(2, 2), nn.Conv2d(2, 2, 1), nn.Conv1d(2, 2, 1), nn.Sequential() };
        norms.Should().OnlyContain(m => LarsParameters.IsNormLayer(m));
        others.Should().NotContain(m => LarsParameters.IsNormLayer(m));
        foreach (var m in norms.Concat(others))
        {
            m.Dispose();
        }
    }
}
