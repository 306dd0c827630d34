namespace Microsoft.ML.Byol.Embedding;

/// <summary>Where a session runs, and what to log or throw about it.</summary>
/// <param name="CudaDevice">The CUDA device to run on; null for the CPU.</param>
/// <param name="Provider">"CPU" or "CUDA:n".</param>
/// <param name="Message">What to log (the provider, and why the CPU when a GPU was asked for).</param>
/// <param name="FellBack">True when a GPU was asked for and the CPU is used instead.</param>
/// <param name="Error">Set when the run must fail: a GPU was asked for, cannot be used, and fallback is off.</param>
/// <param name="FallbackToCpu">The fallback flag that applies (the explicit one, or the context's with its device).</param>
internal sealed record ProviderDecision(int? CudaDevice, string Provider, string Message, bool FellBack, string? Error, bool FallbackToCpu = true);

/// <summary>
/// ML.NET's GPU convention (<c>ApplyOnnxModel</c>, ML.NET 5 <c>OnnxCatalog.GetGpuDeviceId</c>) as one pure function:
/// an explicit device id wins with the explicit fallback flag; with none, <c>MLContext.GpuDeviceId</c> is used with
/// <c>MLContext.FallbackToCpu</c>; with neither, the CPU. Then, once CUDA was tried, the fallback flag decides
/// between the CPU and a clear error.
/// </summary>
internal static class ExecutionProviderChoice
{
    /// <param name="explicitDeviceId">The device given to the call or options (null: none given).</param>
    /// <param name="explicitFallbackToCpu">The fallback flag given with it.</param>
    /// <param name="contextDeviceId"><c>MLContext.GpuDeviceId</c> (null without a context).</param>
    /// <param name="contextFallbackToCpu"><c>MLContext.FallbackToCpu</c>.</param>
    /// <param name="cudaFailure">
    /// Null before CUDA is tried or when it worked; otherwise why the CUDA execution provider is unavailable or failed.
    /// </param>
    public static ProviderDecision Decide(
        int? explicitDeviceId, bool explicitFallbackToCpu, int? contextDeviceId, bool contextFallbackToCpu, string? cudaFailure)
    {
        var (device, fallback, origin) = explicitDeviceId is int id ? (id, explicitFallbackToCpu, "asked for")
            : contextDeviceId is int contextId ? (contextId, contextFallbackToCpu, "asked for by MLContext.GpuDeviceId")
            : (-1, false, "");
        if (device < 0)
        {
            return new ProviderDecision(null, "CPU", "ONNX Runtime execution provider: CPU (no GPU device asked for).", false, null);
        }

        if (cudaFailure is null)
        {
            return new ProviderDecision(device, $"CUDA:{device}", $"ONNX Runtime execution provider: CUDA device {device} ({origin}).", false, null, fallback);
        }

        return fallback
            ? new ProviderDecision(null, "CPU",
                $"ONNX Runtime execution provider: CPU, falling back from CUDA device {device} ({origin}): {cudaFailure}", true, null, true)
            : new ProviderDecision(null, "CPU", "", false,
                $"Could not run on CUDA device {device} ({origin}): {cudaFailure}. Reference an ONNX Runtime GPU native package " +
                "(e.g. Microsoft.ML.OnnxRuntime.Gpu) with a matching CUDA, or allow FallbackToCpu.", false);
    }
}
