using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Torch;

/// <summary>What the trainer does on each device, decided without a device: the CUDA plan is tested on CPU machines.</summary>
public sealed class DeviceExecutionPlanTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OnTheCpuNothingChanges(bool allowTf32)
    {
        var plan = DeviceExecutionPlan.For(DeviceType.CPU, allowTf32, reportEverySteps: null);
        plan.Should().Be(new DeviceExecutionPlan(PinHostMemory: false, NonBlockingCopies: false, AllowTf32: null, ReadEverySteps: 1, SynchronizePhases: false));
        DeviceExecutionPlan.HostCopyFor(DeviceType.CPU).Should().Be((false, false));
    }

    [Fact]
    public void OnCudaCopiesArePinnedAndAsynchronousTf32IsOnAndValuesAreReadEveryTenSteps()
    {
        var plan = DeviceExecutionPlan.For(DeviceType.CUDA, new ByolOptions());
        plan.Should().Be(new DeviceExecutionPlan(PinHostMemory: true, NonBlockingCopies: true, AllowTf32: true, ReadEverySteps: 10, SynchronizePhases: true));
        DeviceExecutionPlan.HostCopyFor(DeviceType.CUDA).Should().Be((true, true));
        plan.Describe().Should().Be("host memory pinned, non-blocking host→device copies, TF32 on, loss and projection std read every 10 steps");
    }

    [Fact]
    public void Tf32CanBeTurnedOffOnCuda()
    {
        DeviceExecutionPlan.For(DeviceType.CUDA, new ByolOptions { AllowTf32 = false }).AllowTf32.Should().BeFalse();
        DeviceExecutionPlan.For(DeviceType.CUDA, allowTf32: false, reportEverySteps: null).Describe().Should().Contain("TF32 off");
    }

    [Theory]
    [InlineData(DeviceType.CPU, 4)]
    [InlineData(DeviceType.CUDA, 1)]
    [InlineData(DeviceType.CUDA, 50)]
    public void TheReadPeriodIsTheOptionWhenSet(DeviceType device, int every)
    {
        DeviceExecutionPlan.For(device, new ByolOptions { ReportEverySteps = every }).ReadEverySteps.Should().Be(every);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AReadPeriodBelowOneIsRefused(int every)
    {
        FluentActions.Invoking(() => DeviceExecutionPlan.For(DeviceType.CUDA, allowTf32: true, reportEverySteps: every))
            .Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void ValuesAreReadEveryKStepsAtTheLastStepAndWheneverACheckpointOrTheMonitorNeedsThem()
    {
        var plan = DeviceExecutionPlan.For(DeviceType.CUDA, allowTf32: true, reportEverySteps: 10);
        Enumerable.Range(1, 25).Where(done => plan.ReadsAfter(done, totalSteps: 25, needed: false)).Should().Equal(10, 20, 25);
        plan.ReadsAfter(7, totalSteps: 25, needed: true).Should().BeTrue();

        var cpu = DeviceExecutionPlan.For(DeviceType.CPU, allowTf32: true, reportEverySteps: null);
        Enumerable.Range(1, 5).Where(done => cpu.ReadsAfter(done, totalSteps: 5, needed: false)).Should().Equal(1, 2, 3, 4, 5);
    }

    [Theory]
    [InlineData(1, 20)]
    [InlineData(10, 20)]
    [InlineData(3, 21)]
    [InlineData(7, 21)]
    [InlineData(50, 50)]
    public void TheThroughputWindowCoversWholeReads(int every, int windowSteps)
    {
        var plan = DeviceExecutionPlan.For(DeviceType.CUDA, allowTf32: true, reportEverySteps: every);
        plan.ThroughputWindowSteps.Should().Be(windowSteps);
        (plan.ThroughputWindowSteps % every).Should().Be(0);
    }
}
