using Microsoft.ML.Data;

namespace Microsoft.ML.Byol;

/// <summary>
/// Makes the <see cref="SchemaShape.Column"/> that <see cref="ByolEstimator.GetOutputSchema"/> announces, through
/// public API only: ML.NET 5 keeps <see cref="SchemaShape.Column"/>'s constructor internal, but the public
/// <c>CustomMapping</c> estimator announces the columns of its output class, so it is asked for one known-size float
/// vector column of the wanted name (the mapping itself never runs). It is asked on a private context: creating an
/// estimator registers a host, which draws from the context's random source, and announcing a schema must not change
/// the user's <c>MLContext(seed)</c> sequence.
/// </summary>
internal static class SchemaShapeColumns
{
    private static readonly SchemaShape NoColumns = new(Array.Empty<SchemaShape.Column>());
    private static readonly MLContext Private = new(seed: 0);

    /// <summary>A known-size vector column of floats named <paramref name="name"/>, as ML.NET's estimators make it.</summary>
    public static SchemaShape.Column FloatVector(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var output = SchemaDefinition.Create(typeof(FloatVectorRow));
        output[nameof(FloatVectorRow.Values)].ColumnName = name;
        var announcer = Private.Transforms.CustomMapping<EmptyRow, FloatVectorRow>(static (_, _) => { },
            contractName: nameof(SchemaShapeColumns), outputSchemaDefinition: output);
        return announcer.GetOutputSchema(NoColumns).Single(c => c.Name == name);
    }

    /// <summary>The input columns with <paramref name="added"/> added (replacing a column of the same name).</summary>
    public static SchemaShape With(SchemaShape input, SchemaShape.Column added)
        => new(input.Where(c => c.Name != added.Name).Append(added));

    /// <summary>The mapping's input: no columns, so any input schema has them.</summary>
    private sealed class EmptyRow
    {
    }

    /// <summary>The mapping's output: one known-size float vector (any size announces <c>VectorKind.Vector</c>).</summary>
    private sealed class FloatVectorRow
    {
        [VectorType(1)]
        public float[] Values { get; set; } = new float[1];
    }
}
