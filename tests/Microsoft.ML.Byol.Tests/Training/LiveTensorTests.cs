using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>
/// The training loop's tensors, counted exactly: TorchSharp's dispose-scope statistics of the training thread and its
/// count of live tensors. After the first steps (optimizer state, caches) a step creates and releases the same number
/// of tensors, so both counts stay flat over many steps. A fast twin of <c>NativeMemoryTests</c>, which also watches
/// the resident size over a long run.
/// </summary>
public sealed class LiveTensorTests
{
    private const int Settle = 3, Steps = 20;
    private readonly ITestOutputHelper _output;

    public LiveTensorTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Fact]
    public void LiveTensorCountsStayFlatOverManySteps()
    {
        var options = TinyRuns.Options(imageSize: 16, batchSize: 8, epochs: 1000);
        options.MaxSteps = Steps;
        var inScope = new List<long>();
        var live = new List<long>();
        var outside = new List<long>();
        options.Progress = new SyncProgress(_ =>
        {
            var statistics = DisposeScopeManager.Statistics.TensorStatistics;
            inScope.Add(statistics.ThreadTotalLiveCount);
            outside.Add(statistics.CreatedOutsideScopeCount);
            live.Add(torch.Tensor.TotalCount);
        });
        using var store = TinyRuns.Shapes(64, 16);
        using var result = new ByolTrainer(options, seed: 3).Train(store);

        // Tensors created outside any dispose scope (≈ 2 a step) are disposed by hand: they are
        // counted here for the log, and the total of live tensors below shows that none of them survives its step.
        _output.WriteLine($"live in dispose scopes {string.Join(",", inScope.Distinct())}; created outside scopes " +
                          $"{outside[0]}→{outside[^1]}; live tensors {string.Join(",", live.Distinct())}");
        live.Should().HaveCount(Steps, "the trainer reports every step");
        inScope.Skip(Settle - 1).Distinct().Should().HaveCount(1, "every tensor a step creates in its dispose scope is released with it");
        // Tensor.TotalCount counts every thread's tensors: earlier tests' garbage may still be finalized during the run
        // and lower it, but a tensor that outlives its step would raise it.
        live.Skip(Settle - 1).Should().BeInDescendingOrder("no tensor may outlive its step, inside a dispose scope or not");
        live.Skip(Settle - 1).Max().Should().Be(live[Settle - 1], "no step may end with more live tensors than the settled count");
    }
}
