using System.Text.RegularExpressions;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>
/// Reading the loss every k steps (the CUDA default, forced here on the CPU with <see cref="ByolOptions.ReportEverySteps"/>)
/// changes when values reach the host, nothing else: the same training, every step reported in order, checkpoints
/// with the latest values, and a NaN stops the run within k steps naming the step where it appeared.
/// </summary>
public sealed class ReadPeriodTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-read-period-tests-", create: false);

    public ReadPeriodTests() => TorchRuntime.EnsureInitialized();

    public void Dispose()
    {
        _folder.Dispose();
    }

    private static (List<ByolProgress> Reports, List<string> Log, ByolTrainingResult Result) Train(int? every, Action<ByolOptions>? change = null)
    {
        var reports = new List<ByolProgress>();
        var log = new List<string>();
        var options = TinyRuns.Options(epochs: 3);
        options.ReportEverySteps = every;
        options.Progress = new SyncProgress(reports.Add);
        change?.Invoke(options);
        using var store = TinyRuns.Shapes(48, 16);   // 3 steps an epoch, 9 steps
        var result = new ByolTrainer(options, seed: 13, log: log.Add).Train(store);
        return (reports, log, result);
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    [Fact]
    public void ReadingEveryFourStepsTrainsBitForBitAsReadingEveryStepAndReportsEveryStep()
    {
        var (everyStep, everyStepLog, reference) = Train(every: null);
        var (everyFour, everyFourLog, deferred) = Train(every: 4);
        using (reference)
        using (deferred)
        {
            everyStepLog.Should().Contain(l => l.Contains("read every 1 step") && l.Contains("pageable"));
            everyFourLog.Should().Contain(l => l.Contains("read every 4 steps"));
            everyFourLog.Should().NotContain(l => l.Contains("allow_tf32"), "TF32 is a CUDA switch, never touched on the CPU");
            everyFour.Select(r => r.Step).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9);
            everyFour.Select(r => Bits(r.Loss)).Should().Equal(everyStep.Select(r => Bits(r.Loss)));
            everyFour.Select(r => Bits(r.ProjectionStd)).Should().Equal(everyStep.Select(r => Bits(r.ProjectionStd)));
            everyFour.Select(r => (r.Epoch, r.LearningRate, r.Tau, r.CollapseSuspected))
                .Should().Equal(everyStep.Select(r => (r.Epoch, r.LearningRate, r.Tau, r.CollapseSuspected)));
            deferred.LossHistory.Should().Equal(reference.LossHistory);
            var expected = TinyRuns.Snapshot(reference.Network);
            foreach (var (name, values) in TinyRuns.Snapshot(deferred.Network))
                values.Should().Equal(expected[name], name);
        }
    }

    [Fact]
    public void ACheckpointBetweenTwoReadsHoldsTheLossOfItsOwnStep()
    {
        var (_, _, result) = Train(every: 4, o => { o.CheckpointDirectory = _folder.Path; o.CheckpointEverySteps = 5; });
        using (result)
        {
            var (metadata, tensors) = CheckpointFile.Read(Path.Combine(_folder.Path, "byol-step-000000005.ckpt"));
            foreach (var t in tensors.Values)
                t.Dispose();
            metadata.LastLoss.Should().Be(result.LossHistory.Single(h => h.Step == 5).Loss);
        }
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunWithinTheReadPeriodNamingTheStepWhereItAppeared()
    {
        static (int Step, int? SeenAt, int Reports) Explode(int? every)
        {
            var reports = new List<ByolProgress>();
            var options = TinyRuns.Options(epochs: 20);
            options.BaseLearningRate = 1e30;
            options.TrustCoefficient = 1e3;
            options.ReportEverySteps = every;
            options.Progress = new SyncProgress(reports.Add);
            using var store = TinyRuns.Shapes(48, 16);
            var error = FluentActions.Invoking(() => new ByolTrainer(options, seed: 13).Train(store))
                .Should().Throw<InvalidOperationException>().Which;
            var match = Regex.Match(error.Message, @"loss became (NaN|-?∞|-?Infinity) at step (\d+)( \(seen at step (\d+): the loss is read from the device every \d+ steps)?");
            match.Success.Should().BeTrue(error.Message);
            return (int.Parse(match.Groups[2].Value), match.Groups[4].Success ? int.Parse(match.Groups[4].Value) : null, reports.Count);
        }

        var everyStep = Explode(every: null);
        everyStep.SeenAt.Should().BeNull();
        everyStep.Reports.Should().Be(everyStep.Step - 1, "every finite step is reported, the NaN one is not");

        var everyFour = Explode(every: 4);
        everyFour.Step.Should().Be(everyStep.Step, "the same training reaches NaN at the same step");
        everyFour.Reports.Should().Be(everyStep.Reports);
        int seenAt = everyFour.SeenAt ?? everyFour.Step;
        seenAt.Should().BeInRange(everyFour.Step, everyFour.Step + 3);
        (seenAt % 4).Should().Be(0);
    }
}
