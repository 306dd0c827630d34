using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// An input column, validated against the contract: either an image column (<see cref="ImageDataViewType"/>, any
/// size) or a known-size vector of <see cref="float"/> holding planar pixels in [0, 1], with dimensions [C, H, W]
/// (C = 1 or 3) or [H, W], or flat of size C·S·S (S² means 1 channel, 3·S² means 3 channels; 3·S² is never a perfect
/// square, so the two cannot clash). Training takes pixel vectors of any H×W (<see cref="Describe"/>); an encoder
/// only its own S×S (<see cref="ForEncoder"/>). Both say what is wrong in the same words.
/// </summary>
internal sealed class InputColumn
{
    /// <summary>The parameter the errors name: the schema the column is looked up in.</summary>
    private const string ParamName = "inputSchema";

    private InputColumn(string name, int index, InputFormat format, int height, int width)
    {
        Name = name;
        Index = index;
        Format = format;
        Height = height;
        Width = width;
    }

    /// <summary>Column name.</summary>
    public string Name { get; }

    /// <summary>Index of the column in the schema it was described from.</summary>
    public int Index { get; }

    /// <summary>Image or pixel vector, and its channels.</summary>
    public InputFormat Format { get; }

    /// <summary>True for an <see cref="ImageDataViewType"/> column, false for a float pixel vector.</summary>
    public bool IsImage => Format.IsImage;

    /// <summary>Channels of the source: 1 or 3 for pixel vectors, 3 for images (R, G, B).</summary>
    public int Channels => Format.Channels;

    /// <summary>Height of a pixel vector; for images the declared height (0 when images may be of any size).</summary>
    public int Height { get; }

    /// <summary>Width of a pixel vector; for images the declared width (0 when images may be of any size).</summary>
    public int Width { get; }

    /// <summary>Validates <paramref name="columnName"/> in <paramref name="schema"/> as training input (pixel vectors of any size).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="ArgumentException">The column has a type that is not accepted.</exception>
    public static InputColumn Describe(DataViewSchema schema, string columnName) => Validate(schema, columnName, null);

    /// <summary>
    /// Validates <paramref name="columnName"/> in <paramref name="schema"/> as the input of an encoder of
    /// <paramref name="imageSize"/>: images of any size, pixel vectors of exactly C×S×S.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="ArgumentException">The column has a type or size the encoder cannot take.</exception>
    public static InputColumn ForEncoder(DataViewSchema schema, string columnName, int imageSize) => Validate(schema, columnName, imageSize);

    /// <summary>Validates <paramref name="columnName"/> in the schema shape an estimator receives.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="ArgumentException">The column has a type that is not accepted.</exception>
    public static void Check(SchemaShape inputSchema, string columnName)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(columnName);
        int index = inputSchema.ToList().FindLastIndex(c => c.Name == columnName);
        if (index < 0)
            throw Missing(columnName, inputSchema.Select(c => c.Name), null);
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
            throw WrongType(columnName, column.IsKey ? "key " + found : found, null);
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

    /// <summary>What is accepted, for error messages; with the encoder's <paramref name="imageSize"/> when there is one.</summary>
    internal static string Accepted(int? imageSize) => imageSize is int s
        ? "an image column (MLImage, as made by LoadImages) or a known-size vector of Single holding " +
          $"C×{s}×{s} pixels in [0, 1] with C = 1 or 3 (dimensions [1, {s}, {s}], [3, {s}, {s}] or [{s}, {s}], " +
          $"or flat of size {s * s} or {3 * s * s})"
        : "an image column (MLImage, as made by LoadImages) or a known-size vector of Single holding C×H×W pixels " +
          "in [0, 1] with C = 1 or 3 (dimensions [C, H, W], [H, W], or flat of size S×S or 3×S×S)";

    private static InputColumn Validate(DataViewSchema schema, string columnName, int? imageSize)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(columnName);
        var column = schema.GetColumnOrNull(columnName)
            ?? throw Missing(columnName, schema.Where(c => !c.IsHidden).Select(c => c.Name), imageSize);
        if (column.Type is ImageDataViewType image)
            return new InputColumn(columnName, column.Index, InputFormat.Image, image.Height, image.Width);
        if (column.Type is not VectorDataViewType { IsKnownSize: true } vector || vector.ItemType != NumberDataViewType.Single)
            throw WrongType(columnName, Found(column.Type), imageSize);
        if (TryShape(vector.Dimensions, out int c, out int h, out int w) && (imageSize is not int size || (h == size && w == size)))
            return new InputColumn(columnName, column.Index, new InputFormat(false, c), h, w);
        string why = imageSize is int s
            ? $"which is not C×{s}×{s} with C = 1 or 3 (the encoder was trained on {s}×{s} images; resize before, or pass MLImage values)"
            : "which is not a picture";
        throw new ArgumentException(
            $"Input column '{columnName}' is a vector of Single with dimensions [{string.Join(", ", vector.Dimensions)}], " +
            $"{why}: expected {Accepted(imageSize)}.", ParamName);
    }

    private static bool IsSquare(int value, out int side)
    {
        side = (int)Math.Round(Math.Sqrt(value));
        return value > 0 && (long)side * side == value;
    }

    private static string Found(DataViewType type) => type switch
    {
        VectorDataViewType { IsKnownSize: false } v => $"variable-size vector of {v.ItemType}",
        VectorDataViewType v => $"vector of {v.ItemType} [{string.Join(", ", v.Dimensions)}]",
        _ => type.ToString() ?? type.GetType().Name,
    };

    private static ArgumentOutOfRangeException Missing(string columnName, IEnumerable<string> available, int? imageSize)
        => new(ParamName,
            $"Input column '{columnName}' was not found in the data; expected {Accepted(imageSize)}. " +
            $"Columns present: {string.Join(", ", available.Distinct().Select(n => $"'{n}'"))}.");

    private static ArgumentException WrongType(string columnName, string found, int? imageSize)
        => new($"Input column '{columnName}' has type {found}; expected {Accepted(imageSize)}.", ParamName);
}
