using Microsoft.ML.Byol.Optim;

namespace Microsoft.ML.Byol.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]                    // start of warm-up
    [InlineData(5, 0.2)]                    // half-way through warm-up: 0.4·5/10
    [InlineData(10, 0.4)]                   // end of warm-up: the peak
    [InlineData(35, 0.34142135623730950)]   // a quarter of the decay: 0.4·½·(1 + √2/2)
    [InlineData(60, 0.2)]                   // middle of the decay: 0.4·½
    [InlineData(85, 0.05857864376269050)]   // three quarters: 0.4·½·(1 − √2/2)
    [InlineData(110, 0.0)]                  // last step
    [InlineData(500, 0.0)]                  // past the end
    [InlineData(-3, 0.0)]                   // before the start
    public void WarmUpThenCosine(long step, double expected)
        => LearningRateSchedule.At(step, totalSteps: 110, warmupSteps: 10, peakLearningRate: 0.4).Should().BeApproximately(expected, 1e-12);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(4, 0.8)]   // warm-up cut to the run's 5 steps: 4/5
    [InlineData(5, 0.0)]
    public void WarmUpLongerThanTheRunIsAllWarmUp(long step, double expected)
        => LearningRateSchedule.At(step, totalSteps: 5, warmupSteps: 10, peakLearningRate: 1.0).Should().BeApproximately(expected, 1e-12);

    [Fact]
    public void EdgeCases()
    {
        LearningRateSchedule.At(0, 0, 0, 1.0).Should().Be(0.0);
        LearningRateSchedule.At(0, 0, 10, 1.0).Should().Be(0.0);
        LearningRateSchedule.At(0, 100, 0, 1.5).Should().Be(1.5);           // no warm-up: starts at the peak
        LearningRateSchedule.At(50, 100, 0, 1.5).Should().BeApproximately(0.75, 1e-12);
        double.IsFinite(LearningRateSchedule.At(long.MaxValue, long.MaxValue, 1, 1.0)).Should().BeTrue();
        FluentActions.Invoking(() => LearningRateSchedule.At(0, -1, 0, 1.0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => LearningRateSchedule.At(0, 10, -1, 1.0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => LearningRateSchedule.At(0, 10, 1, double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(0.2, 256, 0.2)]
    [InlineData(0.2, 4096, 3.2)]
    [InlineData(0.2, 64, 0.05)]
    [InlineData(0.3, 512, 0.6)]
    public void PeakScalesLinearlyWithBatchSize(double baseLr, int batch, double expected)
        => LearningRateSchedule.PeakLearningRate(baseLr, batch).Should().BeApproximately(expected, 1e-15);

    [Fact]
    public void NonPositiveBatchIsAnError()
        => FluentActions.Invoking(() => LearningRateSchedule.PeakLearningRate(0.2, 0)).Should().Throw<ArgumentOutOfRangeException>();
}
