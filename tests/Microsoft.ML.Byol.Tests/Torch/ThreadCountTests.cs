using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class ThreadCountTests
{
    private static CpuAvailability Load(int cores, double? otherBusyCores, double? quota = null) => new(cores, quota, otherBusyCores);

    [Theory]
    [InlineData(null, 64, 2, 2)]   // a 2-CPU container quota on a 64-core host: 2 threads, not 64
    [InlineData(null, 2, 2, 2)]    // a plain 2-core machine: libtorch's default
    [InlineData(null, 4, 8, 4)]    // hyper-threads: libtorch counts physical cores, .NET logical ones
    [InlineData(null, 0, 2, 1)]    // never fewer than one
    [InlineData(3, 64, 2, 3)]      // an explicit count always wins
    [InlineData(0, 8, 2, 2)]       // 0 means unset
    public void UnmeasuredLoad_LibtorchsDefaultCappedAtTheProcessorsTheProcessMayUse(int? asked, int torchDefault, int processors, int expected)
        => ThreadCount.Choose(asked, torchDefault, processors, CpuAvailability.Unknown).Threads.Should().Be(expected);

    [Theory]
    [InlineData(0.0, 2)]     // idle: one thread per core
    [InlineData(0.1, 2)]     // background noise (5 % of two cores)
    [InlineData(0.25, 2)]    // a quarter of a core taken: still counted free
    [InlineData(0.3, 1)]     // more than a quarter: that core is shared
    [InlineData(1.0, 1)]     // one busy neighbour (the case that ran 2.2x slower on 2 threads)
    [InlineData(1.7, 1)]     // 85 % busy
    [InlineData(2.0, 1)]     // fully busy: never fewer than one
    public void TwoCores_OneThreadPerCoreOtherProcessesLeftFree(double otherBusyCores, int expected)
        => ThreadCount.Choose(null, 2, 2, Load(2, otherBusyCores)).Threads.Should().Be(expected);

    [Fact]
    public void ManyCores_TheFreeCoresCappedAtTheDefault()
    {
        ThreadCount.Choose(null, 32, 64, Load(64, 40)).Threads.Should().Be(24);
        ThreadCount.Choose(null, 32, 64, Load(64, 2)).Threads.Should().Be(32);
    }

    [Fact]
    public void AContainerOnABusyHost_ItsQuotaCapsAndTheHostsFreeCoresDoNotRaiseIt()
    {
        ThreadCount.Choose(null, 64, 2, Load(64, 30, quota: 2)).Threads.Should().Be(2);
        ThreadCount.Choose(null, 64, 2, Load(64, 63.5, quota: 2)).Threads.Should().Be(1);
    }

    [Fact]
    public void AFractionalQuota_RoundsUpAsDotNetDoes()
    {
        var choice = ThreadCount.Choose(null, 4, 4, Load(4, 0, quota: 1.5));
        choice.Threads.Should().Be(2);
        choice.Reason.Should().Contain("quota of 1.5 CPUs");
    }

    [Fact]
    public void AnExplicitCount_WinsOverAnyLoad()
        => ThreadCount.Choose(2, 2, 2, Load(2, 1.9)).Should().Be(new ThreadChoice(2, "ByolOptions.NumberOfThreads"));

    [Fact]
    public void TheLogLineSaysWhyAndWhatSetsIt()
    {
        ThreadCount.Choose(null, 2, 2, Load(2, 1.7)).LogLine.Should().Be(
            "BYOL: 1 CPU thread (the 2 cores were 85 % busy with other processes when the run started, leaving 0.3 free, " +
            "fewer than libtorch's default of 2; ByolOptions.NumberOfThreads sets it).");
        ThreadCount.Choose(null, 2, 2, Load(2, 0.02)).LogLine.Should().Be(
            "BYOL: 2 CPU threads (libtorch's default of 2; the 2 cores were 1 % busy with other processes when the run started; " +
            "ByolOptions.NumberOfThreads sets it).");
        ThreadCount.Choose(null, 2, 2, CpuAvailability.Unknown).Reason.Should().Contain("not measured");
    }
}
