using System.Diagnostics;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class ByolTrainerTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("byol-trainer-tests-", create: false);

    public ByolTrainerTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    private sealed class ListProgress : IProgress<ByolProgress>
    {
        public List<ByolProgress> Reports { get; } = new();
        public Action<ByolProgress>? OnReport { get; init; }
        public void Report(ByolProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }

    [Fact]
    public void ReportsEveryStepWithTheScheduledLearningRateAndTau()
    {
        var progress = new ListProgress();
        var options = TinyRuns.Options(epochs: 3);
        options.WarmupEpochs = 1;
        options.Progress = progress;
        using var store = TinyRuns.Shapes(40, 16);
        using var result = new ByolTrainer(options, seed: 3).Train(store);

        var plan = result.Plan;
        plan.StepsPerEpoch.Should().Be(2);
        plan.TotalSteps.Should().Be(6);
        progress.Reports.Select(r => r.Step).Should().Equal(1, 2, 3, 4, 5, 6);
        progress.Reports.Select(r => r.Epoch).Should().Equal(0, 0, 1, 1, 2, 2);
        progress.Reports.Should().OnlyContain(r => r.TotalSteps == 6 && double.IsFinite(r.Loss) && r.Loss >= 0 && r.Loss <= 8);
        for (int k = 0; k < 6; k++)
        {
            progress.Reports[k].LearningRate.Should().BeApproximately(plan.LearningRateAt(k), 1e-12);
            progress.Reports[k].Tau.Should().BeApproximately(1 - (1 - 0.99) * (Math.Cos(Math.PI * k / 6) + 1) / 2, 1e-12);
        }
        progress.Reports.Should().OnlyContain(r => r.ProjectionStd > 0 && r.ImagesPerSecond > 0);
        result.StepsDone.Should().Be(6);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void LossFallsOnStructuredImages()
    {
        var options = TinyRuns.Options(epochs: 10);
        using var store = TinyRuns.Shapes(128, 16);
        using var result = new ByolTrainer(options, seed: 5, log: _output.WriteLine).Train(store);
        var losses = result.LossHistory.Select(h => h.Loss).ToArray();
        losses.Should().HaveCount(80);
        double first = losses.Take(10).Average(), last = losses.TakeLast(10).Average();
        _output.WriteLine($"loss: first 10 steps {first:F4}, last 10 steps {last:F4}");
        last.Should().BeLessThan(first * 0.8);
        result.CollapseSuspected.Should().BeFalse();
    }

    [Fact]
    public void CancellationStopsWithinAStep()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new ListProgress { OnReport = r => { if (r.Step == 3) cancel.Cancel(); } };
        var options = TinyRuns.Options(epochs: 50);
        options.Progress = progress;
        options.CancellationToken = cancel.Token;
        using var store = TinyRuns.Shapes(32, 16);
        FluentActions.Invoking(() => new ByolTrainer(options, seed: 1).Train(store)).Should().Throw<OperationCanceledException>();
        progress.Reports.Should().HaveCount(3);
    }

    [Fact]
    public void ResumingFromACheckpointContinuesTheSameRun()
    {
        const int k = 5;
        using var store = TinyRuns.Shapes(48, 16);   // 3 steps an epoch: the resume point falls inside an epoch
        var straight = TinyRuns.Options(epochs: 4);
        straight.MaxSteps = 2 * k;
        using var reference = new ByolTrainer(straight, seed: 11).Train(store);

        var first = TinyRuns.Options(epochs: 4);
        first.MaxSteps = 2 * k;
        first.CheckpointDirectory = _folder.Path;
        first.CheckpointEverySteps = k;
        using (var cancel = new CancellationTokenSource())
        {
            first.CancellationToken = cancel.Token;
            first.Progress = new ListProgress { OnReport = r => { if (r.Step == k) cancel.Cancel(); } };
            FluentActions.Invoking(() => new ByolTrainer(first, seed: 11).Train(store)).Should().Throw<OperationCanceledException>();
        }
        Directory.GetFiles(_folder.Path, "*.ckpt").Should().ContainSingle().Which.Should().EndWith($"{k:D9}.ckpt");

        var second = TinyRuns.Options(epochs: 4);
        second.MaxSteps = 2 * k;
        second.CheckpointDirectory = _folder.Path;
        var resumedProgress = new ListProgress();
        second.Progress = resumedProgress;
        using var resumed = new ByolTrainer(second, seed: 11).Train(store);

        resumed.ResumedFromStep.Should().Be(k);
        resumedProgress.Reports.Select(r => r.Step).Should().Equal(6, 7, 8, 9, 10);
        resumed.LossHistory.Select(h => h.Loss).Should().Equal(reference.LossHistory.Skip(k).Select(h => h.Loss),
            (a, b) => Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)));
        var expected = TinyRuns.Snapshot(reference.Network);
        var actual = TinyRuns.Snapshot(resumed.Network);
        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, values) in expected)
        {
            var got = actual[name];
            double maxDiff = values.Zip(got, (a, b) => (double)Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            maxDiff.Should().BeLessThan(1e-4, name);
        }
    }

    [Fact]
    public void CheckpointsAreWrittenAtomicallyAndPruned()
    {
        var options = TinyRuns.Options(epochs: 4);
        options.CheckpointDirectory = _folder.Path;
        options.CheckpointEverySteps = 2;
        options.CheckpointsToKeep = 2;
        using var store = TinyRuns.Shapes(32, 16);
        using var result = new ByolTrainer(options, seed: 2).Train(store);
        Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Should().BeEquivalentTo("byol-step-000000006.ckpt", "byol-step-000000008.ckpt");

        var (metadata, tensors) = CheckpointFile.Read(Path.Combine(_folder.Path, "byol-step-000000008.ckpt"));
        metadata.Step.Should().Be(8);
        tensors.Keys.Should().Contain(new[] { "random.generator", "data.permutation", "network.online_encoder.conv1.weight", "network.target_encoder.bn1.running_mean" });
        tensors.Keys.Should().Contain(key => key.StartsWith("momentum.online_encoder.", StringComparison.Ordinal));
        foreach (var t in tensors.Values)
            t.Dispose();

        // A run with another configuration refuses to resume from these checkpoints.
        var other = TinyRuns.Options(epochs: 4, batchSize: 8);
        other.CheckpointDirectory = _folder.Path;
        FluentActions.Invoking(() => new ByolTrainer(other, seed: 2).Train(store)).Should().Throw<InvalidOperationException>().WithMessage("*another configuration*");
    }
}
