using Microsoft.ML.Byol.Tests.Support;

namespace Microsoft.ML.Byol.Tests.Estimator;

public sealed class TimeBudgetTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void ABudgetPlansTheStepsSoTheSchedulesRunTheirFullCourse()
    {
        using var files = ShapeFiles.Write(64, 16, seed: 3);
        var ml = new MLContext(1);
        var options = TinyRuns.Options(imageSize: 16, batchSize: 16, epochs: 10000);   // 40 000 steps uncapped
        options.TimeBudget = TimeSpan.FromSeconds(3);
        options.WarmupEpochs = null;
        var reports = new List<ByolProgress>();
        options.Progress = new SyncProgress(reports.Add);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("BYOL")) log.Add(e.Message); };

        using (ml.Transforms.ByolPretrain(options).Fit(files.Load(ml))) { }

        log.Should().Contain(l => l.Contains("time budget") && l.Contains("s/step"));
        reports.Should().NotBeEmpty();
        long total = reports[^1].TotalSteps;
        total.Should().BeLessThan(40_000, "a 3 s budget cannot hold the uncapped run");
        reports.Should().HaveCount((int)total);
        reports[^1].Step.Should().Be(total);
        reports.Max(r => r.LearningRate).Should().BeGreaterThan(0);
        // The last step runs at peak·(1 − cos(π / decaySteps)) / 2 when the cosine reaches 0 one step later; the warm-up
        // takes at most a tenth of the run, so decaySteps ≥ 0.9·total. On a loaded machine a 3 s budget plans only a few
        // steps, so the bound follows the step count instead of a fixed fraction (a schedule laid over the uncapped
        // 40 000 steps would still be near its peak here).
        double decaySteps = Math.Max(1, Math.Floor(0.9 * total));
        double lastStepBound = reports.Max(r => r.LearningRate) * 0.5 * (1 - Math.Cos(Math.PI / decaySteps));
        reports[^1].LearningRate.Should().BeLessThanOrEqualTo(lastStepBound * 1.0001, "the cosine decay ends at the last planned step");
        // τ likewise: the last step is at progress (total − 1) / total of the cosine from τ base (the first step's τ)
        // to 1; over the uncapped 40 000 steps it would still be τ base. A loaded CI machine planned 3 steps (τ 0.9975).
        double tauBase = reports[0].Tau;
        double lastTauBound = 1 - (1 - tauBase) * (Math.Cos(Math.PI * (total - 1) / total) + 1) / 2;
        reports[^1].Tau.Should().BeGreaterThanOrEqualTo(lastTauBound - 1e-9, "the τ schedule ends at the last planned step");
        log.Should().Contain(l => l.Contains("BYOL recipe: WarmupEpochs = 10 epochs, at most a tenth of the run"));
    }
}
