using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Opens the embedder's single ONNX Runtime session: all graph optimisations on, the CUDA execution provider when a
/// GPU is asked for (falling back to the CPU when allowed, otherwise failing with the reason), and the intra-op
/// thread count when given.
/// </summary>
internal static class EmbedderSession
{
    /// <summary>Opens the session; <paramref name="provider"/> is "CUDA:n" or "CPU".</summary>
    public static InferenceSession Open(byte[] model, ByolEmbedderOptions options, string source, out string provider)
    {
        if (options.GpuDeviceId is int device)
        {
            try
            {
                var session = Create(model, options, device);
                provider = $"CUDA:{device}";
                return session;
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or TypeInitializationException)
            {
                if (!options.FallbackToCpu)
                {
                    throw new InvalidOperationException(
                        $"Could not run {source} on CUDA device {device} ({e.GetType().Name}: {e.Message}). Reference an ONNX Runtime " +
                        "GPU native package (e.g. Microsoft.ML.OnnxRuntime.Gpu) with a matching CUDA, or set FallbackToCpu = true.", e);
                }
            }
        }

        provider = "CPU";
        return Create(model, options, null);
    }

    private static InferenceSession Create(byte[] model, ByolEmbedderOptions options, int? device)
    {
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };

        // Idle intra-op threads sleep instead of spinning: the embedder decodes and resizes on the same cores while
        // the encoder runs, and spinning threads would take their time (and that of other processes).
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (options.IntraOpThreads is int threads)
        {
            sessionOptions.IntraOpNumThreads = threads;
        }

        if (device is int id)
        {
            sessionOptions.AppendExecutionProvider_CUDA(id);
        }

        return new InferenceSession(model, sessionOptions);
    }
}
