using FluentAssertions;
using Microsoft.ML.Byol.Training;
using Xunit;

namespace Microsoft.ML.Byol.Tests.Training;

public class StepPaceTests
{
    private static readonly TimeSpan Plenty = TimeSpan.FromHours(1);

    [Fact]
    public void SlowFirstSteps_AreNotCounted_ThePaceIsTheSettledSteps()
    {
        // The shape seen on 2026-12-07: fresh-process steps much slower than the run's, settling after a few.
        var pace = new StepPace(Plenty);
        foreach (double s in new[] { 4.0, 2.5, 1.9, 1.4, 1.1, 0.80, 0.78, 0.79, 0.80, 0.77 })
        {
            pace.Done.Should().BeFalse();
            pace.Add(s);
        }
        pace.Done.Should().BeTrue();
        pace.SecondsPerStep.Should().BeApproximately(0.79, 1e-9);
    }

    [Fact]
    public void AnOutlier_DoesNotMoveThePace_AndTimingGoesOnUntilItLeavesTheWindow()
    {
        var pace = new StepPace(Plenty);
        foreach (double s in new[] { 3.0, 2.0, 1.00, 1.10, 0.95, 5.0, 1.05 })
            pace.Add(s);
        pace.SecondsPerStep.Should().BeApproximately(1.05, 1e-9); // median of 1.00 1.10 0.95 5.0 1.05
        int more = 0;
        while (!pace.Done)
        {
            pace.Add(1.0);
            more++;
        }
        more.Should().Be(4); // until 5.0 is no longer among the newest five
        pace.SecondsPerStep.Should().BeApproximately(1.0, 1e-9);
    }

    [Fact]
    public void NoisySteps_StopAtTheTimeLimit_OrAtMaxSteps()
    {
        var limited = new StepPace(TimeSpan.FromSeconds(10));
        var unlimited = new StepPace(Plenty);
        for (int i = 0; i < 100 && !unlimited.Done; i++)
        {
            double s = i % 2 == 0 ? 1.0 : 2.0;   // never within the settled spread
            if (!limited.Done)
                limited.Add(s);
            unlimited.Add(s);
        }
        limited.Seconds.Should().HaveCount(StepPace.WarmupSteps + StepPace.TimedSteps); // 10.0 s spent by then
        unlimited.Seconds.Should().HaveCount(StepPace.MaxSteps);
    }

    [Fact]
    public void NoStep_IsAnError() =>
        new StepPace(Plenty).Invoking(p => p.SecondsPerStep).Should().Throw<InvalidOperationException>();
}
