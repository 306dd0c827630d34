using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// What the transformer's input column holds: an <see cref="MLImage"/> (resized and turned into pixels by ML.NET), or
/// a known-size float vector of <see cref="Channels"/>×S×S pixels in [0, 1] (C = 1 or 3, S = the encoder's image size).
/// Records compare by value, so a format is also the key of the scoring chain built for it.
/// </summary>
internal sealed record ByolInputFormat(bool IsImage, int Channels)
{
    public static readonly ByolInputFormat Image = new(true, 3);

    /// <summary>What is accepted, for error messages.</summary>
    public static string Accepted(int imageSize) =>
        $"an MLImage column (Image<...>), or a known-size vector of Single holding C×{imageSize}×{imageSize} pixels in [0, 1] " +
        $"with C = 1 or 3 (flat of size {imageSize * imageSize} or {3 * imageSize * imageSize}, or with dimensions " +
        $"[{imageSize}, {imageSize}], [1, {imageSize}, {imageSize}] or [3, {imageSize}, {imageSize}])";

    /// <summary>Finds and checks <paramref name="columnName"/> in <paramref name="schema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing.</exception>
    /// <exception cref="ArgumentException">The column has a type the encoder cannot take.</exception>
    public static ByolInputFormat Of(DataViewSchema schema, string columnName, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(columnName) ?? throw new ArgumentOutOfRangeException(
            nameof(schema), $"The input schema has no column '{columnName}' for the BYOL encoder to read. " +
            $"Columns present: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");

        return column.Type switch
        {
            ImageDataViewType => Image,
            VectorDataViewType vector => FromVector(vector, columnName, imageSize),
            _ => throw WrongType(columnName, column.Type, imageSize, null),
        };
    }

    private static ByolInputFormat FromVector(VectorDataViewType vector, string columnName, int imageSize)
    {
        if (vector.ItemType != NumberDataViewType.Single || !vector.IsKnownSize)
        {
            throw WrongType(columnName, vector, imageSize, null);
        }

        int plane = imageSize * imageSize;
        var dims = vector.Dimensions;
        int? channels = dims.Length switch
        {
            1 when dims[0] == plane => 1,
            1 when dims[0] == 3 * plane => 3,
            2 when dims[0] == imageSize && dims[1] == imageSize => 1,
            3 when dims[0] is 1 or 3 && dims[1] == imageSize && dims[2] == imageSize => dims[0],
            _ => null,
        };
        return channels is int c
            ? new ByolInputFormat(false, c)
            : throw WrongType(columnName, vector, imageSize,
                $"its dimensions [{string.Join(", ", dims.ToArray())}] are not C×{imageSize}×{imageSize} with C = 1 or 3 " +
                $"(the encoder was trained on {imageSize}×{imageSize} images; resize before, or pass MLImage values)");
    }

    private static ArgumentException WrongType(string columnName, DataViewType type, int imageSize, string? why) =>
        new($"The BYOL encoder cannot read column '{columnName}' of type {type}" + (why is null ? "" : $": {why}") +
            $". It accepts {Accepted(imageSize)}.", "inputSchema");
}
