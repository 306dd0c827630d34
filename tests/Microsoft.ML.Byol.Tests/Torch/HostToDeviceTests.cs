using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Torch;

/// <summary>On the CPU, host→device copies are what they were before: no pinned memory (which needs CUDA), same values.</summary>
public sealed class HostToDeviceTests
{
    public HostToDeviceTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void OnTheCpuNothingIsPinnedAndNothingIsCopied()
    {
        using var host = torch.arange(24, dtype: torch.ScalarType.Byte).view(2, 3, 2, 2);
        using var moved = HostToDevice.Move(host, torch.CPU);
        moved.is_pinned().Should().BeFalse();
        moved.data<byte>().ToArray().Should().Equal(host.data<byte>().ToArray());
        moved[1, 2, 1, 1] = torch.tensor((byte)200);
        host[1, 2, 1, 1].item<byte>().Should().Be(200, "a CPU tensor moved to the CPU is the same storage, as before");
    }

    [Fact]
    public void OnTheCpuParameterTensorsHoldTheValues()
    {
        float[] values = { 0.5f, -1.25f, 3f, float.Epsilon, 7f, 1f / 3 };
        using var floats = HostToDevice.Tensor(values, new long[] { 2, 3 }, torch.CPU);
        floats.shape.Should().Equal(2, 3);
        floats.is_pinned().Should().BeFalse();
        floats.data<float>().ToArray().Should().Equal(values);

        using var indices = HostToDevice.Tensor(new long[] { 4, 0, 2 }, torch.CPU);
        indices.dtype.Should().Be(torch.ScalarType.Int64);
        indices.data<long>().ToArray().Should().Equal(4, 0, 2);
    }
}
