using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Tests.Training;

public sealed class CollapseMonitorTests
{
    [Fact]
    public void FiresOnlyAfterPatienceStepsFarBelowOneOverSqrtD()
    {
        var monitor = new CollapseMonitor(projectionSize: 256, patience: 3);
        monitor.Threshold.Should().BeApproximately(0.25 / 16, 1e-12);
        monitor.Observe(0.06).Should().BeFalse();
        monitor.Observe(0.001).Should().BeFalse();
        monitor.Observe(0.001).Should().BeFalse();
        monitor.Observe(0.05).Should().BeFalse(); // a healthy step resets the streak
        monitor.Observe(0.001).Should().BeFalse();
        monitor.Observe(0.001).Should().BeFalse();
        monitor.Observe(0.001).Should().BeTrue();
    }
}
