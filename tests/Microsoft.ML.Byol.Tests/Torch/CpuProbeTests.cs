using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class CpuProbeTests
{
    private const string Stat = """
        cpu  1000 10 500 8000 200 5 5 80 0 0
        cpu0 500 5 250 4000 100 3 2 40 0 0
        cpu1 500 5 250 4000 100 2 3 40 0 0
        intr 123456 0 0
        ctxt 999
        btime 1700000000
        """;

    [Fact]
    public void ProcStat_BusyIsAllButIdleAndIowait_StealCounted_CpusCounted()
    {
        var times = CpuProbe.ParseStat(Stat);
        times.Should().Be(new CpuProbe.CpuTimes(Busy: 1000 + 10 + 500 + 5 + 5 + 80, Total: 9800, Cpus: 2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("intr 1 2 3")]
    [InlineData("cpu  a b c d e")]
    [InlineData("cpu  1 2 3 4 5")]   // no cpuN line
    public void ProcStat_NotInTheFormat_IsNull(string text)
        => CpuProbe.ParseStat(text).Should().BeNull();

    [Fact]
    public void OtherBusyCores_TakesThisProcessOut()
    {
        var before = new CpuProbe.CpuTimes(Busy: 1000, Total: 10_000, Cpus: 2);
        var after = new CpuProbe.CpuTimes(Busy: 1030, Total: 10_040, Cpus: 2);   // 30 of 40 ticks busy: 1.5 cores
        CpuProbe.OtherBusyCores(before, after, ownCores: 0.5).Should().BeApproximately(1.0, 1e-9);
        CpuProbe.OtherBusyCores(before, after, ownCores: 2).Should().Be(0);
        CpuProbe.OtherBusyCores(before, before, ownCores: 0).Should().BeNull();
    }

    [Theory]
    [InlineData("max 100000\n", null)]
    [InlineData("200000 100000\n", 2.0)]
    [InlineData("150000 100000", 1.5)]
    [InlineData("garbage", null)]
    public void CgroupV2CpuMax(string text, double? expected)
        => CpuProbe.ParseCpuMax(text).Should().Be(expected);

    [Theory]
    [InlineData("-1\n", "100000\n", null)]
    [InlineData("50000\n", "100000\n", 0.5)]
    public void CgroupV1Cfs(string quota, string period, double? expected)
        => CpuProbe.ParseCfs(quota, period).Should().Be(expected);

    [Fact]
    public void MeasuredHere_IsWithinTheMachine()
    {
        var cpus = CpuProbe.Measure();
        if (!OperatingSystem.IsLinux())
        {
            cpus.Should().Be(CpuAvailability.Unknown);
            return;
        }
        cpus.MachineCores.Should().BeGreaterThan(0);
        cpus.OtherBusyCores.Should().BeInRange(0, cpus.MachineCores!.Value);
    }
}
