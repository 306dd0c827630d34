using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class TrainingPlanTests
{
    [Fact]
    public void StepsAreEpochsTimesFullBatchesAndWarmupScalesWithTheRun()
    {
        var options = new ByolOptions { BatchSize = 64, Epochs = 20, WarmupEpochs = 2, BaseLearningRate = 0.2 };
        var plan = TrainingPlan.For(options, imageCount: 1000, options.BaseLearningRate!.Value);
        plan.StepsPerEpoch.Should().Be(15);          // drop-last: 1000 / 64 = 15.6
        plan.TotalSteps.Should().Be(300);
        plan.WarmupSteps.Should().Be(30);
        plan.PeakLearningRate.Should().BeApproximately(0.05, 1e-12);

        options.MaxSteps = 100;
        var shortened = TrainingPlan.For(options, 1000, options.BaseLearningRate!.Value);
        shortened.TotalSteps.Should().Be(100);
        shortened.WarmupSteps.Should().Be(10);
        shortened.LearningRateAt(100).Should().BeApproximately(0, 1e-12);
        shortened.LearningRateAt(10).Should().BeApproximately(0.05, 1e-12);
    }

    [Fact]
    public void MaxStepsZeroPlansNoStepsEvenForFewImages()
    {
        var plan = TrainingPlan.For(new ByolOptions { BatchSize = 32, MaxSteps = 0 }, 10, baseLearningRate: 0.2);
        plan.TotalSteps.Should().Be(0);
        plan.WarmupSteps.Should().Be(0);
    }

    [Fact]
    public void FewerImagesThanABatchIsAClearError()
        => FluentActions.Invoking(() => TrainingPlan.For(new ByolOptions { BatchSize = 32 }, 10, baseLearningRate: 0.2))
            .Should().Throw<ArgumentException>().WithMessage("*10 image(s)*BatchSize is 32*");

    [Fact]
    public void DefaultWarmupIsTenEpochsButAtMostATenthOfTheRun()
    {
        var options = new ByolOptions { BatchSize = 100, Epochs = 300 };
        TrainingPlan.For(options, 1000, 0.2).WarmupSteps.Should().Be(100);            // 10 epochs of 10 steps
        options.Epochs = 20;
        TrainingPlan.For(options, 1000, 0.2).WarmupSteps.Should().Be(20);             // a tenth of 200 steps
        TrainingPlan.For(options, 1000, 0.2, budgetSteps: 50).TotalSteps.Should().Be(50);
        TrainingPlan.For(options, 1000, 0.2, budgetSteps: 50).WarmupSteps.Should().Be(5);
    }
}
