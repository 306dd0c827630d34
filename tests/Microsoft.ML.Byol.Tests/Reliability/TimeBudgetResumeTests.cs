using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// With a time budget, a resumed run keeps the step count its checkpoints were planned with; a damaged newest
/// checkpoint must not make it calibrate a new (different) run that could not resume from the older good one.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class TimeBudgetResumeTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-budget-resume-", create: false);

    private readonly ITestOutputHelper _output;

    public TimeBudgetResumeTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    public void Dispose()
    {
        _folder.Dispose();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void ADamagedNewestCheckpointResumesTheBudgetedRunFromTheOlderOne()
    {
        using var store = TinyRuns.Shapes(32, 16);
        var firstLog = new List<string>();
        using var first = new ByolTrainer(Options(), seed: 5, firstLog.Add).Train(store);
        foreach (var line in firstLog.Where(l => l.Contains("budget", StringComparison.Ordinal)))
            _output.WriteLine(line);
        long total = first.StepsDone;
        var files = CheckpointStore.ListFiles(_folder.Path);
        files.Should().HaveCountGreaterThan(1, "the budgeted run wrote several checkpoints");
        files[0].Step.Should().Be(total);
        CheckpointDamage.Apply(files[0].Path, CheckpointDamage.Half);

        var log = new List<string>();
        using var resumed = new ByolTrainer(Options(), seed: 5, log.Add).Train(store);
        resumed.ResumedFromStep.Should().Be(files[1].Step);
        resumed.StepsDone.Should().Be(total);
        log.Should().Contain(l => l.Contains("time budget: resuming", StringComparison.Ordinal) && l.Contains(files[1].Path, StringComparison.Ordinal));
        log.Should().Contain(l => l.Contains("skipped", StringComparison.Ordinal) && l.Contains(files[0].Path, StringComparison.Ordinal));
    }

    private ByolOptions Options()
    {
        var options = TinyRuns.Options(epochs: 10000);
        options.TimeBudget = TimeSpan.FromSeconds(4);
        options.CheckpointDirectory = _folder.Path;
        options.CheckpointEverySteps = 1;
        options.CheckpointsToKeep = 1000;
        return options;
    }
}
