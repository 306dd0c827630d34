using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class NativeHeapTests
{
    private const string Libc = "7f00-7f01 r-xp 00000000 fe:01 1 /usr/lib/x86_64-linux-gnu/libc.so.6\n";

    [Theory]
    [InlineData("7e00-7e01 r-xp 00000000 fe:01 2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n" + Libc, "jemalloc")]
    [InlineData("7e00-7e01 r-xp 00000000 fe:01 2 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4\n" + Libc, "tcmalloc")]
    [InlineData("7e00-7e01 r-xp 00000000 fe:01 2 /opt/lib/libmimalloc.so.2\n" + Libc, "mimalloc")]
    [InlineData(Libc, "glibc")]
    [InlineData("7f00-7f01 r-xp 00000000 fe:01 1 /lib/ld-musl-x86_64.so.1\n", "other")]
    public void NamesTheAllocatorFromTheMappedLibraries(string maps, string expected)
        => NativeHeap.FromMappedLibraries(maps).Should().Be(expected);

    [Fact]
    public void TrimsOnlyUnderGlibc()
    {
        // This process: whatever serves malloc here, Trim does something exactly when the allocator is glibc's.
        NativeHeap.Allocator.Should().Be(NativeHeap.Detect());
        NativeHeap.TrimsHere.Should().Be(NativeHeap.Allocator == "glibc");
        if (!NativeHeap.TrimsHere)
            NativeHeap.Trim().Should().BeFalse();
        NativeHeap.Describe().Should().Contain(NativeHeap.Allocator);
    }
}
