using System.Reflection;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Byol;

/// <summary>
/// The <see cref="IHostEnvironment"/> behind a <see cref="TransformsCatalog"/>: ML.NET keeps it in a non-public
/// member, while its own catalog extensions reach it through an internal interface.
/// </summary>
internal static class CatalogEnvironment
{
    /// <summary>The environment of <paramref name="catalog"/> (its MLContext's), for logging and random seeds.</summary>
    public static IHostEnvironment Of(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var type = typeof(TransformsCatalog);
        var property = type.GetInterfaces()
            .Where(i => i.Name == "IInternalCatalog")
            .Select(i => i.GetProperty("Environment"))
            .FirstOrDefault(p => p is not null);
        if (property?.GetValue(catalog) is IHostEnvironment viaInterface)
            return viaInterface;
        if (type.GetField("_env", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(catalog) is IHostEnvironment viaField)
            return viaField;
        throw new NotSupportedException("The ML.NET environment of this TransformsCatalog could not be found; this version of Microsoft.ML is not supported by Microsoft.ML.Byol.");
    }
}
