using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Opens the embedder's single ONNX Runtime session: all graph optimisations on, the CUDA execution provider when a
/// GPU is asked for explicitly or by the ML.NET context (<see cref="ExecutionProviderChoice"/>: falling back to the
/// CPU when allowed, otherwise failing with the reason), and the intra-op thread count when given. The provider used
/// (and any fallback) is logged to the context's log when there is one.
/// </summary>
internal static class EmbedderSession
{
    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Opens the session; <paramref name="provider"/> is "CUDA:n" or "CPU".</summary>
    public static InferenceSession Open(byte[] model, ByolEmbedderOptions options, string source, out string provider, IHostEnvironment? env = null, bool followContextGpu = true)
    {
        var (contextId, contextFallback) = followContextGpu ? MlNetInternals.GpuSettingsOf(env) : (null, true);
        var decision = ExecutionProviderChoice.Decide(options.GpuDeviceId, options.FallbackToCpu, contextId, contextFallback, null);
        InferenceSession? session = null;
        if (decision.CudaDevice is int device)
        {
            string? failure = CudaUnavailable();
            if (failure is null)
            {
                try
                {
                    session = Create(model, options, device);
                }
                catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or TypeInitializationException)
                {
                    failure = $"{e.GetType().Name}: {e.Message}";
                }
            }

            if (failure is not null)
            {
                decision = ExecutionProviderChoice.Decide(options.GpuDeviceId, options.FallbackToCpu, contextId, contextFallback, failure);
                if (decision.Error is not null)
                {
                    throw new InvalidOperationException($"{source}: {decision.Error}");
                }
            }
        }

        session ??= Create(model, options, null);
        provider = decision.Provider;
        Log(env, decision, source);
        return session;
    }

    /// <summary>Null when this ONNX Runtime native library has the CUDA execution provider; otherwise why not.</summary>
    internal static string? CudaUnavailable()
    {
        try
        {
            var available = OrtEnv.Instance().GetAvailableProviders();
            return available.Contains(CudaProvider)
                ? null
                : $"the ONNX Runtime native library has no {CudaProvider} (it has {string.Join(", ", available)})";
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return $"ONNX Runtime could not list its execution providers ({e.GetType().Name}: {e.Message})";
        }
    }

    private static void Log(IHostEnvironment? env, ProviderDecision decision, string source)
    {
        if (env is null)
        {
            return;
        }

        using var channel = env.Register("ByolOnnx").Start("ExecutionProvider");
        if (decision.FellBack)
        {
            channel.Warning(MessageSensitivity.None, $"{source}: {decision.Message}");
        }
        else
        {
            channel.Info(MessageSensitivity.None, $"{source}: {decision.Message}");
        }
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
