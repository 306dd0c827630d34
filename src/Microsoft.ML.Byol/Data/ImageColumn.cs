using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// The training input column, validated: either an image column (<see cref="ImageDataViewType"/>, any size) or a
/// known-size vector of <see cref="float"/> holding planar pixels, with dimensions [C, H, W] or [H, W], or flat of
/// size C·S·S (S² means 1 channel, 3·S² means 3 channels; 3·S² is never a perfect square, so the two cannot clash).
/// </summary>
internal sealed class ImageColumn
{
    private const string Accepted =
        "an image column (MLImage, as made by LoadImages) or a known-size vector of Single holding C×H×W pixels " +
        "with C = 1 or 3 (dimensions [C, H, W], [H, W], or flat of size S×S or 3×S×S)";

    private ImageColumn(string name, int index, bool isImage, int channels, int height, int width)
    {
        Name = name;
        Index = index;
        IsImage = isImage;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Index of the column in the schema it was described from.</summary>
    public int Index { get; }

    /// <summary>True for an <see cref="ImageDataViewType"/> column, false for a float pixel vector.</summary>
    public bool IsImage { get; }

    /// <summary>Channels of the source: 1 or 3 for pixel vectors, 3 for images (R, G, B).</summary>
    public int Channels { get; }

    /// <summary>Height of a pixel vector; for images the declared height (0 when images may be of any size).</summary>
    public int Height { get; }

    /// <summary>Width of a pixel vector; for images the declared width (0 when images may be of any size).</summary>
    public int Width { get; }

    /// <summary>Validates <paramref name="columnName"/> in <paramref name="schema"/> and describes it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="ArgumentException">The column has a type that is not accepted.</exception>
    public static ImageColumn Describe(DataViewSchema schema, string columnName)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(columnName ?? throw new ArgumentNullException(nameof(columnName)))
            ?? throw Missing(columnName, schema.Select(c => c.Name));
        var type = column.Type;
        if (type is ImageDataViewType image)
            return new ImageColumn(columnName, column.Index, true, 3, image.Height, image.Width);
        if (type is VectorDataViewType vector && vector.ItemType == NumberDataViewType.Single && vector.IsKnownSize)
        {
            if (TryShape(vector.Dimensions, out int c, out int h, out int w))
                return new ImageColumn(columnName, column.Index, false, c, h, w);
            throw new ArgumentException(
                $"Input column '{columnName}' is a vector of Single with dimensions [{string.Join(", ", vector.Dimensions)}], " +
                $"which is not a picture: expected {Accepted}.", nameof(columnName));
        }
        throw WrongType(columnName, Describe(type));
    }

    /// <summary>Validates <paramref name="columnName"/> in the schema shape an estimator receives.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="ArgumentException">The column has a type that is not accepted.</exception>
    public static void Check(SchemaShape inputSchema, string columnName)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(columnName);
        int index = inputSchema.ToList().FindLastIndex(c => c.Name == columnName);
        if (index < 0)
            throw Missing(columnName, inputSchema.Select(c => c.Name));
        var column = inputSchema[index];
        bool isImage = column.ItemType is ImageDataViewType && column.Kind == SchemaShape.Column.VectorKind.Scalar;
        bool isPixels = column.ItemType == NumberDataViewType.Single && column.Kind == SchemaShape.Column.VectorKind.Vector && !column.IsKey;
        if (!isImage && !isPixels)
        {
            string found = column.Kind switch
            {
                SchemaShape.Column.VectorKind.Scalar => $"{column.ItemType}",
                SchemaShape.Column.VectorKind.Vector => $"known-size vector of {column.ItemType}",
                _ => $"variable-size vector of {column.ItemType}",
            };
            throw WrongType(columnName, column.IsKey ? "key " + found : found);
        }
    }

    /// <summary>Reads [C, H, W], [H, W] or a flat size as a picture shape.</summary>
    internal static bool TryShape(IReadOnlyList<int> dimensions, out int channels, out int height, out int width)
    {
        channels = height = width = 0;
        switch (dimensions.Count)
        {
            case 3 when dimensions[0] is 1 or 3 && dimensions[1] > 0 && dimensions[2] > 0:
                (channels, height, width) = (dimensions[0], dimensions[1], dimensions[2]);
                return true;
            case 2 when dimensions[0] > 0 && dimensions[1] > 0:
                (channels, height, width) = (1, dimensions[0], dimensions[1]);
                return true;
            case 1:
                int size = dimensions[0];
                if (IsSquare(size, out int side))
                    (channels, height, width) = (1, side, side);
                else if (size % 3 == 0 && IsSquare(size / 3, out side))
                    (channels, height, width) = (3, side, side);
                else
                    return false;
                return true;
            default:
                return false;
        }
    }

    private static bool IsSquare(int value, out int side)
    {
        side = (int)Math.Round(Math.Sqrt(value));
        return value > 0 && (long)side * side == value;
    }

    private static string Describe(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: false } v => $"variable-size vector of {v.ItemType}",
        VectorDataViewType v => $"vector of {v.ItemType} [{string.Join(", ", v.Dimensions)}]",
        _ => type.ToString() ?? type.GetType().Name,
    };

    private static ArgumentOutOfRangeException Missing(string columnName, IEnumerable<string> available)
        => new(nameof(columnName),
            $"Input column '{columnName}' was not found in the data; expected {Accepted}. " +
            $"Columns present: {string.Join(", ", available.Distinct().Select(n => $"'{n}'"))}.");

    private static ArgumentException WrongType(string columnName, string found)
        => new($"Input column '{columnName}' has type {found}; expected {Accepted}.", nameof(columnName));
}
