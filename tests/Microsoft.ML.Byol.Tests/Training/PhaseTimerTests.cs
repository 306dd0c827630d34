using System.Globalization;
using System.Text.RegularExpressions;
using FluentAssertions;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>The opt-in phase profile: skipped warm-up steps, every phase in the summary, and its parseable format.</summary>
public sealed class PhaseTimerTests
{
    [Fact]
    public void SummaryNamesEveryPhaseAndCountsOnlyStepsAfterTheSkippedOnes()
    {
        var timer = new PhaseTimer(skip: 1);
        for (int step = 0; step < 3; step++)
        {
            timer.StartStep();
            foreach (var phase in Enum.GetValues<PhaseTimer.Phase>().Where(p => p != PhaseTimer.Phase.Other))
                timer.End(phase);
            timer.EndStep();
        }

        string summary = timer.Summary();
        summary.Should().StartWith("BYOL phases: s/step over 2 steps (after 1 skipped):");
        var values = Regex.Matches(summary, @"(\w+)=([0-9.eE+-]+)")
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        values.Keys.Should().Equal("augment", "forward", "backward", "optimizer", "ema", "other");
        values.Values.Should().OnlyContain(v => v >= 0 && v < 1);
    }

    [Fact]
    public void WithNoTimedStepTheMeansAreZero()
    {
        var timer = new PhaseTimer(skip: 5);
        timer.StartStep();
        timer.End(PhaseTimer.Phase.Augment);
        timer.EndStep();
        timer.Summary().Should().Contain("over 0 steps (after 1 skipped)").And.Contain("augment=0 ");
    }
}
