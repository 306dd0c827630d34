using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class ThreadCountTests
{
    [Theory]
    [InlineData(null, 64, 2, 2)]   // a 2-CPU container quota on a 64-core host: 2 threads, not 64
    [InlineData(null, 2, 2, 2)]    // a plain 2-core machine: libtorch's default
    [InlineData(null, 4, 8, 4)]    // hyper-threads: libtorch counts physical cores, .NET logical ones
    [InlineData(null, 0, 2, 1)]    // never fewer than one
    [InlineData(3, 64, 2, 3)]      // an explicit count always wins
    [InlineData(0, 8, 2, 2)]       // 0 means unset
    public void DefaultIsLibtorchsCappedAtTheProcessorsTheProcessMayUse(int? asked, int torchDefault, int processors, int expected)
        => TorchRuntime.DefaultThreads(asked, torchDefault, processors).Should().Be(expected);
}
