using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Byol.Optim;
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

        // The schedules are laid over the S steps the calibration planned (warm-up W); while it trains, the run refits
        // its remaining steps to the budget and the rest of the schedules follows (BudgetPacing), so its last step sits
        // one (stretched or shrunk) step before their end: position S − f, f = (S − P) / (R − A) after the last re-plan
        // at step A (position P, R steps in all), f = 1 without one. Over the uncapped 40 000 steps the last step would
        // still be near the peak lr and τ base.
        var start = log.Select(l => Regex.Match(l, @"(\d+) steps, warm-up (\d+) steps, peak lr")).Last(m => m.Success);
        long s = long.Parse(start.Groups[1].Value, CultureInfo.InvariantCulture), w = long.Parse(start.Groups[2].Value, CultureInfo.InvariantCulture);
        var replan = log.Select(l => Regex.Match(l, @"time budget: step (\d+) .*: (\d+) steps in all .* from position ([\d.]+) of (\d+)")).LastOrDefault(m => m.Success);
        double f = 1;
        if (replan is not null)
        {
            long a = long.Parse(replan.Groups[1].Value, CultureInfo.InvariantCulture), r = long.Parse(replan.Groups[2].Value, CultureInfo.InvariantCulture);
            double p = double.Parse(replan.Groups[3].Value, CultureInfo.InvariantCulture);
            long.Parse(replan.Groups[4].Value, CultureInfo.InvariantCulture).Should().Be(s);
            r.Should().Be(total, "the last re-plan set the run's length");
            f = (s - p) / (r - a);
        }
        double peak = LearningRateSchedule.PeakLearningRate(options.BaseLearningRate!.Value, options.BatchSize);
        reports[^1].LearningRate.Should().BeApproximately(LearningRateSchedule.At(s - f, s, w, peak), 2e-3 * peak, "the cosine decay ends with the run");
        reports[^1].Tau.Should().BeApproximately(TauSchedule.At(s - f, s, reports[0].Tau), 2e-3 * (1 - reports[0].Tau), "so does τ's");
        reports[^1].LearningRate.Should().BeLessThanOrEqualTo(reports.Where(r => r.Step > w).Select(r => r.LearningRate).DefaultIfEmpty(double.MaxValue).Min());
        log.Should().Contain(l => l.Contains("BYOL recipe: WarmupEpochs = 10 epochs, at most a tenth of the run"));
    }
}
