using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// The GPU settings of an ML.NET environment: <c>MLContext.GpuDeviceId</c> and <c>MLContext.FallbackToCpu</c>, which
/// ML.NET keeps on its internal <c>IHostEnvironmentInternal</c> (also on the hosts registered from the context).
/// </summary>
internal static class GpuSettings
{
    /// <summary>The environment's device id and fallback flag; (null, true) when it has none.</summary>
    public static (int? DeviceId, bool FallbackToCpu) Of(IHostEnvironment? env)
    {
        if (env is null)
        {
            return (null, true);
        }

        if (env is MLContext context)
        {
            return (context.GpuDeviceId, context.FallbackToCpu);
        }

        var type = env.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == "Microsoft.ML.Runtime.IHostEnvironmentInternal");
        var id = type?.GetProperty("GpuDeviceId", BindingFlags.Instance | BindingFlags.Public)?.GetValue(env) as int?;
        var fallback = type?.GetProperty("FallbackToCpu", BindingFlags.Instance | BindingFlags.Public)?.GetValue(env) as bool?;
        return (id, fallback ?? true);
    }
}
