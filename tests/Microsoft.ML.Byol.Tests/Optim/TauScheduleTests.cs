using Microsoft.ML.Byol.Optim;

namespace Microsoft.ML.Byol.Tests.Optim;

public sealed class TauScheduleTests
{
    [Theory]
    [InlineData(0, 0.996)]                   // τ(0) = τ_base
    [InlineData(250, 0.99658578643762691)]   // 1 − 0.004·(1 + √2/2)/2
    [InlineData(500, 0.998)]                 // half-way: 1 − 0.004/2
    [InlineData(750, 0.99941421356237310)]   // 1 − 0.004·(1 − √2/2)/2
    [InlineData(1000, 1.0)]                  // τ(K) = 1
    [InlineData(5000, 1.0)]                  // clamped
    [InlineData(-7, 0.996)]                  // clamped
    public void CosineFromBaseToOneOverTheWholeRun(long step, double expected)
        => TauSchedule.At(step, totalSteps: 1000, tauBase: 0.996).Should().BeApproximately(expected, 1e-12);

    [Fact]
    public void EndIsExactlyOneAndEmptyRunKeepsBase()
    {
        TauSchedule.At(1000, 1000, 0.99).Should().Be(1.0);
        TauSchedule.At(0, 0, 0.99).Should().Be(0.99);
        TauSchedule.At(3, 0, 0.99).Should().Be(0.99);
    }

    [Fact]
    public void NotYetOneAfterTheFirstEpoch()
    {
        // The classic bug uses K = steps per epoch; with K = whole run, τ after epoch 1 of 100 is still near τ_base.
        TauSchedule.At(100, 100 * 100, 0.996).Should().BeLessThan(0.9961);
    }

    [Fact]
    public void InvalidArgumentsAreErrors()
    {
        FluentActions.Invoking(() => TauSchedule.At(0, -1, 0.996)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TauSchedule.At(0, 10, 1.5)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => TauSchedule.At(0, 10, double.NaN)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
