using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class BudgetClockTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(double seconds) => _ticks += TimeSpan.FromSeconds(seconds).Ticks;
    }

    [Fact]
    public void ThePace_LeavesTheMonitorEvaluationsOut()
    {
        var time = new ManualTime();
        var clock = new BudgetClock(Budget, time);
        clock.AddEvaluation(TimeSpan.FromSeconds(20));   // the evaluation before the first step
        time.Advance(20);
        clock.RestartWindow(0);
        time.Advance(10 * 0.5);                          // ten steps of 0.5 s
        clock.AddEvaluation(TimeSpan.FromSeconds(30));
        time.Advance(30);
        time.Advance(10 * 0.5);                          // ten more

        clock.SecondsPerStep(20).Should().BeApproximately(0.5, 1e-9);
        clock.LastEvaluation.Should().Be(TimeSpan.FromSeconds(30));
        clock.Elapsed.Should().Be(TimeSpan.FromSeconds(60), "the budget counts everything, evaluations included");
        clock.Left.Should().Be(Budget - TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void ARestartedWindow_MeasuresOnlyTheStepsAfterIt()
    {
        var time = new ManualTime();
        var clock = new BudgetClock(Budget, time);
        clock.RestartWindow(0);
        time.Advance(40 * 0.25);                         // heads-only steps: a quarter second
        clock.RestartWindow(40);
        time.Advance(10 * 0.5);

        clock.WindowStart.Should().Be(40);
        clock.SecondsPerStep(50).Should().BeApproximately(0.5, 1e-9);
    }

    [Fact]
    public void AReplanPoint_IsATenthOfTheRunOrOfTheBudget_InTheWindow()
    {
        var time = new ManualTime();
        var clock = new BudgetClock(Budget, time);
        var pacing = BudgetPacing.Planned(1000);
        clock.RestartWindow(0);
        time.Advance(30);
        clock.IsReplanPoint(pacing, 99).Should().BeFalse("99 steps in 30 s: neither a tenth of the run nor of the budget");
        clock.IsReplanPoint(pacing, 100).Should().BeTrue("a tenth of the run's steps");
        time.Advance(30);
        clock.IsReplanPoint(pacing, 20).Should().BeTrue("a tenth of the budget (60 s)");
        clock.RestartWindow(20);
        clock.IsReplanPoint(pacing, 24).Should().BeFalse("a new window needs its own steps");
    }

    [Fact]
    public void AnEmptyWindow_HasNoPace()
    {
        var clock = new BudgetClock(Budget, new ManualTime());
        clock.RestartWindow(5);
        FluentActions.Invoking(() => clock.SecondsPerStep(5)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
