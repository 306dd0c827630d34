using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class KnnMonitorTests
{
    private readonly ITestOutputHelper _output;

    public KnnMonitorTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void LabelsNeverReachTheLoss()
    {
        const int count = 128, size = 16;
        var (pixels, labels) = SyntheticShapes.Generate(count, size, seed: 5);
        var shuffled = labels.Reverse().ToArray();
        var options = TinyRuns.Options(imageSize: size, batchSize: 16, epochs: 2);
        options.KeepBestMonitoredEncoder = false;
        options.MonitorEverySteps = 4;

        (List<double> Losses, Dictionary<string, float[]> Encoder, List<double> Accuracies) Train(int[]? monitorLabels)
        {
            using var store = InMemoryImageStore.FromBytes(pixels, count, 3, size, size);
            var monitor = monitorLabels is null ? null : KnnMonitor.Create(store, monitorLabels, seed: 1);
            var losses = new List<double>();
            var accuracies = new List<double>();
            options.Progress = new SyncProgress(p => { losses.Add(p.Loss); if (p.MonitorAccuracy is { } a) accuracies.Add(a); });
            using var result = new ByolTrainer(options, seed: 9).Train(store, monitor: monitor);
            return (losses, TinyRuns.Snapshot(result.Encoder), accuracies);
        }

        var without = Train(null);
        var withLabels = Train(labels);
        var withOtherLabels = Train(shuffled);
        without.Accuracies.Should().BeEmpty();
        withLabels.Accuracies.Should().HaveCount(4).And.OnlyContain(a => a >= 0 && a <= 1);
        withLabels.Losses.Should().Equal(without.Losses);
        withOtherLabels.Losses.Should().Equal(without.Losses);
        foreach (var (name, weights) in without.Encoder)
        {
            withLabels.Encoder[name].Should().Equal(weights, $"the monitor must not change {name}");
            withOtherLabels.Encoder[name].Should().Equal(weights);
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void KeepBestReturnsTheEncoderWithTheBestMonitoredAccuracy()
    {
        const int count = 256, size = 16;
        var (pixels, labels) = SyntheticShapes.Generate(count, size, seed: 6);
        var options = TinyRuns.Options(imageSize: size, batchSize: 32, epochs: 3);
        options.BaseLearningRate = 8;            // a run that moves a lot, so the accuracies differ from step to step
        options.TrustCoefficient = 0.05;
        options.MonitorEverySteps = 3;
        var log = new List<string>();
        var accuracies = new List<double>();
        options.Progress = new SyncProgress(p => { if (p.MonitorAccuracy is { } a) accuracies.Add(a); });
        using var store = InMemoryImageStore.FromBytes(pixels, count, 3, size, size);
        var monitor = KnnMonitor.Create(store, labels, seed: 2);
        using var result = new ByolTrainer(options, seed: 4, log: log.Add).Train(store, monitor: monitor);
        log.ForEach(_output.WriteLine);

        var start = log.Where(l => l.Contains("monitor: step 0:")).Should().ContainSingle().Subject;
        result.Kept.Should().NotBeNull();
        var all = accuracies.Prepend(ParseAccuracy(start)).ToList();
        result.Kept!.Accuracy.Should().BeApproximately(all.Max(), 1e-4);
        monitor.Evaluate(result.Encoder, TorchSharp.torch.CPU).Should().BeApproximately(result.Kept.Accuracy, 1e-9,
            "the returned encoder is the kept one");
    }

    [Fact]
    public void TooFewLabelledImagesIsAClearError()
    {
        using var store = TinyRuns.Shapes(20, 16);
        FluentActions.Invoking(() => KnnMonitor.Create(store, Enumerable.Repeat(-1, 18).Concat(new[] { 0, 1 }).ToArray(), 1))
            .Should().Throw<ArgumentException>().WithMessage("*2 labelled image(s)*");
    }

    private static double ParseAccuracy(string line)
    {
        var match = System.Text.RegularExpressions.Regex.Match(line, @"kNN accuracy ([0-9.]+) ?%");
        match.Success.Should().BeTrue(line);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) / 100;
    }

}
