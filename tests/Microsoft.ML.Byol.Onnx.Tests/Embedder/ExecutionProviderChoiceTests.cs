using Microsoft.ML.Byol.Embedding;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>ML.NET's GPU convention as one pure function, with no GPU needed.</summary>
public sealed class ExecutionProviderChoiceTests
{
    [Fact]
    public void NoDeviceAnywhere_IsCpu()
    {
        var d = ExecutionProviderChoice.Decide(null, false, null, false, null);
        (d.CudaDevice, d.Provider, d.FellBack, d.Error).Should().Be(((int?)null, "CPU", false, (string?)null));
    }

    [Fact]
    public void ExplicitDevice_WinsOverContext_WithItsOwnFallback()
    {
        var d = ExecutionProviderChoice.Decide(2, false, 5, true, null);
        d.CudaDevice.Should().Be(2);
        d.Provider.Should().Be("CUDA:2");
        d.FallbackToCpu.Should().BeFalse();

        ExecutionProviderChoice.Decide(2, false, 5, true, "no CUDA").Error.Should().Contain("CUDA device 2").And.Contain("no CUDA");
    }

    [Fact]
    public void NoExplicitDevice_FollowsContext_AndItsFallbackFlag()
    {
        ExecutionProviderChoice.Decide(null, false, 1, true, null).CudaDevice.Should().Be(1);

        var fellBack = ExecutionProviderChoice.Decide(null, false, 1, true, "no CUDA");
        (fellBack.CudaDevice, fellBack.Provider, fellBack.FellBack, fellBack.Error).Should().Be(((int?)null, "CPU", true, (string?)null));
        fellBack.Message.Should().Contain("falling back from CUDA device 1").And.Contain("MLContext.GpuDeviceId").And.Contain("no CUDA");

        // The explicit flag (true) does not apply to the context's device: ML.NET takes the context's flag with it.
        var refused = ExecutionProviderChoice.Decide(null, true, 1, false, "no CUDA");
        refused.Error.Should().Contain("CUDA device 1").And.Contain("FallbackToCpu");
    }

    [Fact]
    public void ExplicitDevice_CudaFails_FallbackOrError()
    {
        var ok = ExecutionProviderChoice.Decide(0, true, null, false, "driver missing");
        (ok.Provider, ok.FellBack, ok.Error).Should().Be(("CPU", true, (string?)null));

        var error = ExecutionProviderChoice.Decide(0, false, null, true, "driver missing");
        error.Error.Should().Contain("CUDA device 0").And.Contain("driver missing").And.Contain("Microsoft.ML.OnnxRuntime.Gpu");
    }
}
