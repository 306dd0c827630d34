using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class HeapUsageTests
{
    public HeapUsageTests() => TorchRuntime.EnsureInitialized();

    [SkippableFact]
    public void LiveNativeBytesFollowATensorsLifetime()
    {
        Skip.If(NativeHeap.Allocator is not ("glibc" or "jemalloc"), $"the allocator here ({NativeHeap.Allocator}) keeps no count of live bytes");
        const long Bytes = 64L << 20;
        long? first = HeapUsage.Now().LiveNativeBytes;
        Skip.If(first is null, "the allocator's statistics call is missing here (glibc before 2.33, or a prefixed jemalloc)");
        long before = first!.Value;
        long during;
        using (var tensor = torch.ones(Bytes / sizeof(float)))
            during = HeapUsage.Now().LiveNativeBytes!.Value;
        long after = HeapUsage.Now().LiveNativeBytes!.Value;

        (during - before).Should().BeInRange(Bytes * 9 / 10, Bytes * 2, "a live 64 MiB tensor is counted");
        (during - after).Should().BeGreaterThan(Bytes * 9 / 10, "and uncounted once it is freed");
    }

    [Theory]
    [InlineData(13.0, 4.4, true)]    // the 96 px run of 2026-12-08: 8.6 GB kept free for 4.4 GB live, on a 24 GB machine
    [InlineData(13.0, 9.0, false)]   // large, but mostly live: purging would not help
    [InlineData(5.7, 0.8, false)]    // the flat 64 px runs: much kept free, far from the machine's memory
    public void FreePagesAreTooMuchWhenMostOfAResidentSizeAboveHalfTheMachineIsFree(double residentGb, double liveGb, bool tooMuch)
    {
        const long Machine = 24_000_000_000;
        new HeapUsage((long)(residentGb * 1e9), (long)(liveGb * 1e9)).KeepsTooMuchOf(Machine).Should().Be(tooMuch);
        new HeapUsage((long)(residentGb * 1e9), null).KeepsTooMuchOf(Machine).Should().BeFalse("without a live count nothing is known");
    }

    [Fact]
    public void DescribesResidentAndLiveBytesForTheLog()
    {
        new HeapUsage(3_180_000_000, 1_420_000_000).ToString().Should().StartWith("resident 3.18 GB, live native 1.42 GB (");
        new HeapUsage(3_180_000_000, null).ToString().Should().Be("resident 3.18 GB");
        new HeapUsage(250_000_000, 80_000_000).To(new HeapUsage(230_000_000, 79_000_000)).Should().Be("resident 0.25 → 0.23 GB, live native 0.08 → 0.08 GB");
        new HeapUsage(250_000_000, null).To(new HeapUsage(230_000_000, null)).Should().Be("resident 0.25 → 0.23 GB");
        HeapUsage.LiveBytes("tcmalloc").Should().BeNull();
        HeapUsage.Now().ResidentBytes.Should().BePositive();
    }
}
