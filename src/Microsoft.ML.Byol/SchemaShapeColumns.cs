using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol;

/// <summary>
/// Makes <see cref="SchemaShape.Column"/> values, whose constructor ML.NET 5 keeps internal, so that
/// <see cref="ByolEstimator.GetOutputSchema"/> can announce the embedding column like ML.NET's own estimators do.
/// </summary>
internal static class SchemaShapeColumns
{
    private static readonly ConstructorInfo? Constructor = typeof(SchemaShape.Column).GetConstructor(
        BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, binder: null,
        new[] { typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape) },
        modifiers: null);

    /// <summary>A known-size vector column of <paramref name="itemType"/>.</summary>
    public static SchemaShape.Column Vector(string name, DataViewType itemType)
    {
        if (Constructor is null)
            throw new NotSupportedException("This version of Microsoft.ML does not expose SchemaShape.Column's constructor as expected; update Microsoft.ML.Byol.");
        return (SchemaShape.Column)Constructor.Invoke(new object?[] { name, SchemaShape.Column.VectorKind.Vector, itemType, false, null });
    }

    /// <summary>The input columns with <paramref name="added"/> added (replacing a column of the same name).</summary>
    public static SchemaShape With(SchemaShape input, SchemaShape.Column added)
        => new(input.Where(c => c.Name != added.Name).Append(added));
}
