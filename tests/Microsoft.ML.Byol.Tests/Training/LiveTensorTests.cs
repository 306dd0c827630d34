using Microsoft.ML.Byol.Data;
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

    /// <summary>
    /// The same with the kNN monitor every other step, keep-best (a CPU copy of the encoder at each improvement, and a
    /// run that moves a lot, so it improves often) and a checkpoint every third step: what a monitored run does besides
    /// its steps must release every tensor it makes too. Counted on the training thread (TorchSharp's live count of the
    /// thread, in dispose scopes or not): a tensor left to the finalizer stays in it. Keep-best's copy leaked two
    /// handles a weight (detach, cpu) at each improvement before this test.
    /// </summary>
    [Fact]
    public void LiveTensorCountsStayFlatWithTheMonitorKeepBestAndCheckpoints()
    {
        const int count = 128, size = 16;
        var (pixels, labels) = SyntheticShapes.Generate(count, size, seed: 6);
        var options = TinyRuns.Options(imageSize: size, batchSize: 16, epochs: 1000);
        options.MaxSteps = Steps;
        options.BaseLearningRate = 8;
        options.TrustCoefficient = 0.05;
        options.MonitorEverySteps = 2;
        options.KeepBestMonitoredEncoder = true;
        options.CheckpointEverySteps = 3;
        using var folder = new TempFolder("byol-live-tensors-");
        options.CheckpointDirectory = folder.Path;
        var live = new List<long>();
        int evaluations = 0;
        options.Progress = new SyncProgress(p =>
        {
            if (p.MonitorAccuracy is not null)
                evaluations++;
            live.Add(DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
        });
        using var store = InMemoryImageStore.FromBytes(pixels, count, 3, size, size);
        var monitor = KnnMonitor.Create(store, labels, seed: 2);
        var log = new List<string>();
        using var result = new ByolTrainer(options, seed: 4, log: log.Add).Train(store, monitor: monitor);

        int improvements = log.Count(l => l.Contains("best so far", StringComparison.Ordinal));
        _output.WriteLine($"{evaluations} evaluations, {improvements} improvements; live tensors of the training thread {string.Join(",", live)}");
        evaluations.Should().BeGreaterThanOrEqualTo(Steps / 2 - 1);
        improvements.Should().BeGreaterThan(1, "keep-best must copy the encoder more than once for the test to mean anything");
        live.Should().HaveCount(Steps).And.AllBeEquivalentTo(live[0],
            "no monitor evaluation, encoder copy or checkpoint may leave a tensor behind for the finalizer");
    }
}
