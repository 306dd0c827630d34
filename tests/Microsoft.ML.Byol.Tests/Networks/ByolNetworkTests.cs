using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Networks;

public sealed class ByolNetworkTests
{
    private static readonly ResNetLayout Tiny = new(ByolArchitecture.ResNet18, 0.125f, SmallImageStem: true);

    public ByolNetworkTests()
    {
        TorchRuntime.EnsureInitialized();
        torch.random.manual_seed(1);
    }

    private static Dictionary<string, float[]> Snapshot(torch.nn.Module module)
        => module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(torch.ScalarType.Float32).data<float>().ToArray());

    [Fact]
    public void TargetStartsAsCopyOfOnline()
    {
        using var net = new ByolNetwork(Tiny, 32, 16, 32);
        var sd = net.state_dict();
        foreach (var (name, value) in sd.Where(kv => kv.Key.StartsWith("online_", StringComparison.Ordinal)))
        {
            var target = sd["target_" + name["online_".Length..]];
            value.allclose(target, 0, 0).Should().BeTrue(name);
        }
        sd.Keys.Should().Contain(k => k.StartsWith("predictor.", StringComparison.Ordinal));
        sd.Keys.Should().NotContain(k => k.StartsWith("target_predictor", StringComparison.Ordinal));
    }

    [Fact]
    public void LossIsSymmetricCosineRegressionAndOnlyOnlineGetsGradients()
    {
        using var net = new ByolNetwork(Tiny, 32, 16, 32);
        net.train();
        using var scope = torch.NewDisposeScope();
        var v1 = torch.rand(8, 3, 16, 16);
        var v2 = torch.rand(8, 3, 16, 16);
        var output = net.Forward(v1, v2);
        double loss = output.Loss.item<float>();
        loss.Should().BeInRange(0, 8); // each ℓ is in [0, 4]
        output.Loss.backward();
        foreach (var (name, p) in net.named_parameters())
        {
            if (name.StartsWith("target_", StringComparison.Ordinal))
            {
                p.requires_grad.Should().BeFalse(name);
                (p.grad is null).Should().BeTrue(name);
            }
        }
        net.named_parameters().Where(kv => kv.name.StartsWith("predictor.", StringComparison.Ordinal))
            .Should().OnlyContain(kv => HasNonZeroGrad(kv.parameter));
    }

    private static bool HasNonZeroGrad(TorchSharp.Modules.Parameter p)
        => p.grad is { } g && g.abs().sum().item<float>() > 0;

    [Fact]
    public void RegressionLossMatchesTwoMinusTwoCosine()
    {
        using var p = torch.tensor(new float[] { 1, 0, 0, 3, 4, 0 }, 2, 3);
        using var z = torch.tensor(new float[] { 2, 0, 0, 0, 4, 3 }, 2, 3);
        using var loss = ByolLoss.Regression(p, z);
        var values = loss.data<float>().ToArray();
        values[0].Should().BeApproximately(0f, 1e-6f);
        values[1].Should().BeApproximately((float)(2 - 2 * (16.0 / 25.0)), 1e-6f);
    }

    [Fact]
    public void EmaMovesTargetTowardOnlineByOneMinusTau()
    {
        using var net = new ByolNetwork(Tiny, 32, 16, 32);
        using (torch.no_grad())
        {
            foreach (var (name, p) in net.named_parameters().Where(kv => kv.name.StartsWith("online_", StringComparison.Ordinal)))
                p.add_(1.0f);
        }
        var before = Snapshot(net);
        net.UpdateTarget(0.75);
        var after = Snapshot(net);
        const string name1 = "encoder.layer2.0.conv1.weight";
        for (int i = 0; i < 10; i++)
        {
            float online = before["online_" + name1][i], target = before["target_" + name1][i];
            after["target_" + name1][i].Should().BeApproximately(0.75f * target + 0.25f * online, 1e-6f);
        }
        // Buffers (running statistics) are not averaged.
        after["target_encoder.bn1.running_mean"].Should().Equal(before["target_encoder.bn1.running_mean"]);
        net.UpdateTarget(1.0);
        Snapshot(net)["target_" + name1].Should().Equal(after["target_" + name1]);
    }

    [Fact]
    public void ProjectionStdSeesCollapse()
    {
        using var healthy = torch.randn(256, 64);
        ByolLoss.ProjectionStd(healthy).Should().BeApproximately(1 / Math.Sqrt(64), 0.02);
        using var collapsed = torch.ones(256, 64) + 1e-4 * torch.randn(256, 64);
        ByolLoss.ProjectionStd(collapsed).Should().BeLessThan(0.01);
    }
}
