using System.Text.Json;
using Microsoft.ML.Byol.Optim;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class BudgetPacingTests
{
    private const long Planned = 1000;
    private const long Warmup = 100;
    private const double Peak = 0.5;
    private const double TauBase = 0.99;

    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(10);

    [Fact]
    public void WithoutReplan_ThePositionIsTheStep_Exactly()
    {
        var pacing = BudgetPacing.Planned(Planned);
        for (long k = 0; k <= Planned; k++)
            pacing.Position(k).Should().Be(k);
        pacing.Position(Planned + 5).Should().Be(Planned, "the run ends at the schedules' end");
    }

    [Theory]
    [InlineData(0.3)]   // the calibration planned steps twice as slow as they run: the run grows
    [InlineData(1.2)]   // twice as fast: it shrinks
    public void AReplan_KeepsTheSchedulesContinuous_AndEndsThemWithTheRun(double secondsPerStep)
    {
        // 0.6 s/step planned 1000 steps for 10 minutes; at step 250 the budget has 7.5 minutes left.
        var pacing = BudgetPacing.Planned(Planned);
        var replanned = pacing.Replan(250, TimeSpan.FromMinutes(7.5), secondsPerStep, maxSteps: long.MaxValue);

        replanned.RunSteps.Should().Be(250 + (long)Math.Floor(450 / secondsPerStep));
        replanned.Position(250).Should().Be(pacing.Position(250), "no jump at the re-plan");
        replanned.Position(replanned.RunSteps).Should().Be(Planned);
        LearningRate(replanned, replanned.RunSteps).Should().Be(0);
        Tau(replanned, replanned.RunSteps).Should().Be(1);

        // The rest of each schedule is the planned one, stretched or shrunk: monotone, and the same values at the
        // same fractions of the remaining run.
        double previousLr = double.MaxValue, previousTau = 0;
        for (long k = 250; k <= replanned.RunSteps; k++)
        {
            LearningRate(replanned, k).Should().BeLessThanOrEqualTo(previousLr);
            Tau(replanned, k).Should().BeGreaterThanOrEqualTo(previousTau);
            (previousLr, previousTau) = (LearningRate(replanned, k), Tau(replanned, k));
        }
        long halfway = 250 + (replanned.RunSteps - 250) / 2;
        replanned.Position(halfway).Should().BeApproximately(250 + 750.0 * (halfway - 250) / (replanned.RunSteps - 250), 1e-9);
    }

    [Fact]
    public void ChainedReplans_StayContinuous_AndASavedPacingResumesTheSameSchedule()
    {
        var pacing = BudgetPacing.Planned(Planned)
            .Replan(100, TimeSpan.FromMinutes(9), 0.5, long.MaxValue);          // 100 + 1080
        var second = pacing.Replan(400, TimeSpan.FromMinutes(6), 0.8, long.MaxValue);  // 400 + 450
        second.Position(400).Should().BeApproximately(pacing.Position(400), 1e-9);
        second.Position(second.RunSteps).Should().Be(Planned);

        // The checkpoint keeps it as JSON (CheckpointMetadata.Pacing); a resumed run goes on with the same positions.
        var metadata = new CheckpointMetadata { Step = 500, Pacing = second };
        var read = JsonSerializer.Deserialize<CheckpointMetadata>(JsonSerializer.Serialize(metadata))!;
        read.Pacing.Should().Be(second);
        for (long k = 500; k <= second.RunSteps; k += 7)
            read.Pacing!.Position(k).Should().Be(second.Position(k));
        JsonSerializer.Deserialize<CheckpointMetadata>("""{"Step":3,"RunFingerprint":"x"}""")!.Pacing.Should().BeNull("checkpoints written before pacing read as planned");
    }

    [Fact]
    public void AReplan_StaysWithinEpochsAndMaxSteps_AndAlwaysMakesOneMoreStep()
    {
        var pacing = BudgetPacing.Planned(Planned);
        pacing.Replan(250, TimeSpan.FromMinutes(7.5), 0.01, maxSteps: 1200).RunSteps.Should().Be(1200);
        var over = pacing.Replan(250, TimeSpan.FromSeconds(-30), 0.6, long.MaxValue);
        over.RunSteps.Should().Be(251, "over budget already, the next step ends the schedules");
        LearningRate(over, 251).Should().Be(0);
        FluentActions.Invoking(() => pacing.Replan(250, Budget, 0, long.MaxValue)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ReplanPoints_ComeEveryTenthOfTheRunOrOfTheBudget_NeverAtTheEnd()
    {
        var pacing = BudgetPacing.Planned(Planned);
        pacing.IsReplanPoint(99, 99, TimeSpan.FromSeconds(10), Budget).Should().BeFalse();
        pacing.IsReplanPoint(100, 100, TimeSpan.FromSeconds(10), Budget).Should().BeTrue("a tenth of the steps");
        pacing.IsReplanPoint(20, 20, TimeSpan.FromMinutes(1), Budget).Should().BeTrue("a tenth of the budget: a plan far too long is caught early");
        pacing.IsReplanPoint(4, 4, TimeSpan.FromMinutes(5), Budget).Should().BeFalse("the pace is a mean over a few steps at least");
        pacing.IsReplanPoint(104, 4, TimeSpan.FromMinutes(5), Budget).Should().BeFalse("the window restarted 4 steps ago (the step's cost changed)");
        var shortRun = BudgetPacing.Planned(12);
        shortRun.IsReplanPoint(12, 12, TimeSpan.FromMinutes(5), Budget).Should().BeFalse("the last step is not a re-plan point");
    }

    private static double LearningRate(BudgetPacing pacing, long step) => LearningRateSchedule.At(pacing.Position(step), Planned, Warmup, Peak);

    private static double Tau(BudgetPacing pacing, long step) => TauSchedule.At(pacing.Position(step), Planned, TauBase);
}
