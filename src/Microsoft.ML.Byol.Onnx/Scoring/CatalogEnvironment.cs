using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// Bridges between ML.NET's catalogs and environments. In ML.NET 5 a <see cref="TransformsCatalog"/> keeps its
/// environment private and its constructor internal, while <c>IHostEnvironment env = mlContext</c> is public; the
/// bridge uses the public route when it can and reflection otherwise, with an error that says what went wrong.
/// </summary>
internal static class CatalogEnvironment
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    /// <summary>The environment a transforms catalog was created with.</summary>
    public static IHostEnvironment Of(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var type = typeof(TransformsCatalog);
        object? env = type.GetField("_env", Instance)?.GetValue(catalog)
            ?? type.GetProperties(Instance)
                .FirstOrDefault(p => p.Name.EndsWith("Environment", StringComparison.Ordinal) && typeof(IHostEnvironment).IsAssignableFrom(p.PropertyType))
                ?.GetValue(catalog);
        return env as IHostEnvironment ?? throw new InvalidOperationException(
            "Could not find the IHostEnvironment of this TransformsCatalog (ML.NET's internals differ from ML.NET 5.0). " +
            "Use a catalog from an MLContext (mlContext.Transforms) with the ML.NET version this package was built against.");
    }

    /// <summary>A transforms catalog over <paramref name="env"/> (the context's own when it is an <see cref="MLContext"/>).</summary>
    public static TransformsCatalog CatalogFor(IHostEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env is MLContext context)
        {
            return context.Transforms;
        }

        var constructor = typeof(TransformsCatalog).GetConstructor(Instance, new[] { typeof(IHostEnvironment) });
        return constructor?.Invoke(new object[] { env }) as TransformsCatalog ?? throw new InvalidOperationException(
            "Could not create a TransformsCatalog over the given IHostEnvironment (ML.NET's internals differ from ML.NET 5.0). " +
            "Pass an MLContext as the environment.");
    }
}
