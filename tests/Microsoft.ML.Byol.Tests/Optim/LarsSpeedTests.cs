using System.Diagnostics;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Tests.Optim;

public sealed class LarsSpeedTests
{
    private readonly ITestOutputHelper _output;

    public LarsSpeedTests(ITestOutputHelper output)
    {
        TorchRuntime.EnsureInitialized();
        _output = output;
    }

    [Fact]
    public void OneStepOnElevenMillionParametersIsQuick()
    {
        // 5 × Linear(1500 → 1500) = 11.26 M parameters in 10 tensors, plus 150 small BN-like vectors to mimic ResNet-50's count.
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < 5; i++)
        {
            layers.Add(($"fc{i}", nn.Linear(1500, 1500)));
        }

        for (int i = 0; i < 75; i++)
        {
            layers.Add(($"bn{i}", nn.BatchNorm1d(1500)));
        }

        using var model = nn.Sequential(layers.ToArray());
        var parameters = LarsParameters.From(model);
        long count = parameters.Sum(p => p.Parameter.numel());
        foreach (var p in parameters)
        {
            using var g = torch.randn_like(p.Parameter);
            p.Parameter.grad = g;
        }

        using var lars = new Lars(parameters);
        lars.Step(0.1); // allocates the momentum buffers
        const int Repeats = 10;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < Repeats; i++)
        {
            lars.Step(0.1);
        }

        watch.Stop();
        double ms = watch.Elapsed.TotalMilliseconds / Repeats;
        _output.WriteLine($"Lars.Step: {parameters.Count} tensors, {count:N0} parameters, {ms:F1} ms per step (threads: {torch.get_num_threads()})");
        ms.Should().BeLessThan(2000);

        // Reference: plain SGD with momentum over the same tensors (no decay, no norms).
        var buffers = parameters.Select(p => torch.zeros_like(p.Parameter)).ToList();
        watch.Restart();
        for (int i = 0; i < Repeats; i++)
        {
            using var noGrad = torch.no_grad();
            for (int j = 0; j < parameters.Count; j++)
            {
                using var scope = torch.NewDisposeScope();
                var g = parameters[j].Parameter.grad!;
                buffers[j].mul_(0.9).add_(g);
                parameters[j].Parameter.add_(buffers[j], alpha: -0.1);
            }
        }

        watch.Stop();
        _output.WriteLine($"SGD momentum reference: {watch.Elapsed.TotalMilliseconds / Repeats:F1} ms per step");
        buffers.ForEach(b => b.Dispose());
    }
}
