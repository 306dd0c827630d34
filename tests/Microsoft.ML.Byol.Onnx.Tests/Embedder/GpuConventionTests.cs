using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// MLContext.GpuDeviceId / FallbackToCpu on the real path. The CPU ONNX Runtime package here has no CUDA execution
/// provider, so asking for a GPU must fall back (logged) or throw clearly; on a machine with CUDA these skip.
/// </summary>
public sealed class GpuConventionTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static (MLContext Context, List<string> Log) Context(int? device, bool fallback)
    {
        var ml = new MLContext(seed: 1) { GpuDeviceId = device, FallbackToCpu = fallback };
        var log = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains("execution provider", StringComparison.OrdinalIgnoreCase))
            {
                lock (log)
                {
                    log.Add($"{e.Kind}: {e.Message}");
                }
            }
        };
        return (ml, log);
    }

    [SkippableFact]
    public void Embedder_FollowsContextGpu_FallsBackLogged_OrThrows()
    {
        Skip.If(EmbedderSession.CudaUnavailable() is null, "this ONNX Runtime has CUDA");
        var (ml, log) = Context(0, fallback: true);
        using (var embedder = ByolEmbedder.Load(ml, _files.EncoderPath))
        {
            embedder.ExecutionProvider.Should().Be("CPU");
            embedder.EmbedFiles(_files.Pngs(2)).Should().HaveCount(2);
        }

        log.Should().ContainSingle(m => m.Contains("falling back from CUDA device 0") && m.Contains("MLContext.GpuDeviceId") && m.Contains("CUDAExecutionProvider"));

        var (strict, _) = Context(0, fallback: false);
        FluentActions.Invoking(() => ByolEmbedder.Load(strict, _files.EncoderPath))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA device 0*MLContext.GpuDeviceId*CUDAExecutionProvider*");

        // An explicit CPU choice is not possible with null (null means "the context's"), but an explicit device with
        // its own fallback flag wins over the context's strict one.
        using var explicitDevice = ByolEmbedder.Load(strict, _files.EncoderPath, new ByolEmbedderOptions { GpuDeviceId = 1, FallbackToCpu = true });
        explicitDevice.ExecutionProvider.Should().Be("CPU");
    }

    [Fact]
    public void Embedder_NoGpuAnywhere_LogsCpu()
    {
        var (ml, log) = Context(null, fallback: false);
        using var embedder = ByolEmbedder.Load(ml, _files.EncoderPath);
        embedder.ExecutionProvider.Should().Be("CPU");
        log.Should().ContainSingle(m => m.Contains("CPU (no GPU device asked for)"));
    }

    [SkippableFact]
    public void ApplyByolEncoder_FollowsContextGpu_FallsBackLogged_OrThrows()
    {
        Skip.If(EmbedderSession.CudaUnavailable() is null, "this ONNX Runtime has CUDA");
        var (ml, log) = Context(0, fallback: true);
        using (var transformer = ml.Transforms.ApplyByolEncoder(_files.EncoderPath))
        {
            transformer.ExecutionProvider.Should().Be("CPU");
        }

        log.Should().Contain(m => m.StartsWith("Warning") && m.Contains("falling back from CUDA device 0"));

        var (strict, _) = Context(0, fallback: false);
        FluentActions.Invoking(() => strict.Transforms.ApplyByolEncoder(_files.EncoderPath))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA device 0*MLContext.GpuDeviceId*");
        FluentActions.Invoking(() => new MLContext().Transforms.ApplyByolEncoder(_files.EncoderPath, gpuDeviceId: 0, fallbackToCpu: false))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA device 0 (asked for)*");
    }

    [SkippableFact]
    public void TransformerFromATrainingHost_FollowsContextGpu()
    {
        Skip.If(EmbedderSession.CudaUnavailable() is null, "this ONNX Runtime has CUDA");

        // ByolEstimator.Fit creates its transformer over the user's catalog with gpuDeviceId: null.
        var strict = new MLContext { GpuDeviceId = 0, FallbackToCpu = false };
        FluentActions.Invoking(() => ByolTransformer.Create(strict.Transforms, Support.TestEncoder.Bytes, "Embedding", "Image", null, true))
            .Should().Throw<InvalidOperationException>().WithMessage("*CUDA device 0*MLContext.GpuDeviceId*");

        var lenient = new MLContext { GpuDeviceId = 0, FallbackToCpu = true };
        using var transformer = ByolTransformer.Create(lenient.Transforms, Support.TestEncoder.Bytes, "Embedding", "Image", null, false);
        transformer.ExecutionProvider.Should().Be("CPU");
    }

    [Fact]
    public void GpuSettings_ReadFromAHostRegisteredFromTheContext()
    {
        var ml = new MLContext { GpuDeviceId = 3, FallbackToCpu = false };
        IHostEnvironment env = ml;
        MlNetInternals.GpuSettingsOf(env.Register("child")).Should().Be(((int?)3, false));
    }
}
