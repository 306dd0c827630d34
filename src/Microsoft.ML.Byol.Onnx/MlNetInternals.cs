using System.Reflection;
using Microsoft.ML.Runtime;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol;

/// <summary>
/// The only place this project reads ML.NET's non-public members (by reflection), written against ML.NET 5.0.1.
/// Each member says what it reads and why no public API does it; <c>MlNetInternalsTests</c> runs each one on the
/// current ML.NET and fails with the member's name when ML.NET changes it. Everything else goes through ML.NET's
/// public API: the user's <see cref="TransformsCatalog"/> is passed through, never rebuilt.
/// </summary>
internal static class MlNetInternals
{
    /// <summary>What <see cref="EnvironmentOf"/> reads.</summary>
    public const string CatalogEnvironmentMember = "Microsoft.ML.TransformsCatalog._env (private field)";

    /// <summary>What <see cref="GpuSettingsOf"/> reads.</summary>
    public const string GpuSettingsMember =
        "Microsoft.ML.Runtime.IHostEnvironmentInternal.GpuDeviceId and .FallbackToCpu (internal interface)";

    /// <summary>What <see cref="ImageLoadersBehind"/> reads.</summary>
    public const string ImageLoaderMember =
        "the ImageLoadingTransformer held in the private fields of the view LoadImages returns (its row mapper)";

    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private const int MaxLoaderDepth = 3;

    /// <summary>
    /// The environment a transforms catalog was created with (the MLContext's own environment for
    /// <c>mlContext.Transforms</c>): its hosts draw from the context's seed and log to <see cref="MLContext.Log"/>.
    /// </summary>
    /// <remarks>
    /// Reads <see cref="CatalogEnvironmentMember"/> (or, failing that, the explicit <c>IInternalCatalog.Environment</c>
    /// property). ML.NET's own catalog extensions call the internal <c>CatalogUtils.GetEnvironment</c>; a third-party
    /// extension method on <see cref="TransformsCatalog"/> has no public way to reach the environment.
    /// </remarks>
    /// <exception cref="InvalidOperationException">ML.NET no longer has the member; the message names it.</exception>
    public static IHostEnvironment EnvironmentOf(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var type = typeof(TransformsCatalog);
        object? env = type.GetField("_env", Instance)?.GetValue(catalog)
            ?? type.GetProperties(Instance)
                .FirstOrDefault(p => p.Name.EndsWith("Environment", StringComparison.Ordinal) && typeof(IHostEnvironment).IsAssignableFrom(p.PropertyType))
                ?.GetValue(catalog);
        return env as IHostEnvironment ?? throw new InvalidOperationException(
            $"Could not find the IHostEnvironment of this TransformsCatalog: {CatalogEnvironmentMember} is missing " +
            "(ML.NET's internals differ from ML.NET 5.0). Use a catalog from an MLContext (mlContext.Transforms) with " +
            "the ML.NET version this package was built against.");
    }

    /// <summary>
    /// The environment's <c>MLContext.GpuDeviceId</c> and <c>MLContext.FallbackToCpu</c>; (null, true) when it has
    /// none (no environment, or not one of ML.NET's).
    /// </summary>
    /// <remarks>
    /// An <see cref="MLContext"/> has them as public properties; the environment behind its catalogs and the hosts
    /// registered from it keep them only on <see cref="GpuSettingsMember"/>, which has no public counterpart.
    /// </remarks>
    public static (int? DeviceId, bool FallbackToCpu) GpuSettingsOf(IHostEnvironment? env)
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

    /// <summary>
    /// The LoadImages transformers behind <paramref name="data"/>, the view a <c>LoadImages</c> transformer returned
    /// (empty for any other view, and never those of views further upstream).
    /// </summary>
    /// <remarks>
    /// Walks <see cref="ImageLoaderMember"/>, a few levels deep, through fields of ML.NET's own types, found by type
    /// (not by name). The loader's <see cref="ImageLoadingTransformer.ImageFolder"/> is public, but a transformed view
    /// does not say which transformer made it, and <see cref="IRowToRowMapper.GetDependencies"/> names only the input
    /// column.
    /// </remarks>
    public static IReadOnlyList<ImageLoadingTransformer> ImageLoadersBehind(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var loaders = new List<ImageLoadingTransformer>();
        FindLoaders(data, 0, new HashSet<object>(ReferenceEqualityComparer.Instance), loaders);
        return loaders;
    }

    private static void FindLoaders(object node, int depth, HashSet<object> seen, List<ImageLoadingTransformer> found)
    {
        if (!seen.Add(node))
        {
            return;
        }

        if (node is ImageLoadingTransformer loader)
        {
            found.Add(loader);
            return;
        }

        if (depth == MaxLoaderDepth || node is IDataView && depth > 0)
        {
            return; // Not the loaders of upstream views.
        }

        for (var type = node.GetType(); type is not null && IsMlNet(type); type = type.BaseType)
        {
            foreach (var field in type.GetFields(Instance | BindingFlags.DeclaredOnly))
            {
                if (!field.FieldType.IsValueType && field.GetValue(node) is { } value && IsMlNet(value.GetType()))
                {
                    FindLoaders(value, depth + 1, seen, found);
                }
            }
        }
    }

    private static bool IsMlNet(Type type) => type.Assembly.GetName().Name?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true
        && type.Assembly != typeof(MlNetInternals).Assembly;
}
