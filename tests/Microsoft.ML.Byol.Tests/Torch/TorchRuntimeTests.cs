using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void TorchSharpLoadsAndComputesOnThisMachine()
    {
        TorchRuntime.EnsureInitialized();
        using var a = torch.ones(3, 4);
        using var b = torch.full(4, 2, 0.5f);
        using var c = a.matmul(b);
        c.shape.Should().Equal(3, 2);
        c.data<float>().ToArray().Should().AllSatisfy(v => v.Should().Be(2f));
    }

    [Fact]
    public void LibStdCxxStepIsLoggedOrUnneeded()
    {
        var log = TorchRuntime.EnsureInitialized();
        // Either the system libstdc++ is new enough (nothing done) or every sentence explains the step taken.
        log.Should().NotContain(line => line.Contains("cannot be made loadable") || line.Contains("failed"));
    }

    [Theory]
    [InlineData("auto", "Auto", null)]
    [InlineData("CPU", "Cpu", null)]
    [InlineData("cuda", "Cuda", null)]
    [InlineData("cuda:1", "Cuda", 1)]
    public void DeviceStringsParse(string text, string kind, int? index)
        => DeviceSpec.Parse(text).Should().Be(new DeviceSpec(Enum.Parse<DeviceKind>(kind), index));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void UnknownDeviceStringsAreClearErrors(string text)
        => FluentActions.Invoking(() => DeviceSpec.Parse(text)).Should().Throw<ArgumentException>().WithMessage("*Unknown device*");

    [Fact]
    public void CpuAndAutoResolveToCpuHereAndCudaIsAClearError()
    {
        TorchRuntime.ResolveDevice("cpu").type.Should().Be(DeviceType.CPU);
        if (!torch.cuda.is_available())
        {
            TorchRuntime.ResolveDevice("auto").type.Should().Be(DeviceType.CPU);
            FluentActions.Invoking(() => TorchRuntime.ResolveDevice("cuda:0")).Should().Throw<InvalidOperationException>().WithMessage("*CUDA is not available*");
        }
    }

    [Fact]
    public void ElfReaderFindsTheVersionNeedsOfTorchSharp()
    {
        var library = TorchRuntime.NativeSearchDirectories().Select(d => Path.Combine(d, "libLibTorchSharp.so")).First(File.Exists);
        var elf = ElfVersionNeeds.Parse(File.ReadAllBytes(library));
        var needs = elf.Needs();
        needs.Should().Contain(n => n.Library == "libstdc++.so.6" && n.Version.StartsWith("GLIBCXX_"));
        var newest = needs.Single(n => n.Version == "GLIBCXX_3.4.32");
        elf.SymbolsBoundTo(newest.Index).Should().Equal("_ZSt21ios_base_library_initv");
        elf.RelocationsAgainst(newest.Index).Should().Be(0);
        // A version that is really used has relocations: the reader must be able to see them.
        needs.Where(n => n.Library == "libstdc++.so.6").Sum(n => elf.RelocationsAgainst(n.Index)).Should().BeGreaterThan(0);
    }
}
