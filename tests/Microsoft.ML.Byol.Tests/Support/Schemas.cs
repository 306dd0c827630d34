using System.Reflection;

namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>ML.NET helpers that ML.NET 5 keeps internal.</summary>
internal static class Schemas
{
    /// <summary>The <see cref="SchemaShape"/> of a schema, as ML.NET's pipelines make it (SchemaShape.Create is internal).</summary>
    public static SchemaShape Shape(DataViewSchema schema)
        => (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, new[] { typeof(DataViewSchema) })!
            .Invoke(null, new object[] { schema })!;
}
