using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// One pass of a cursor over the input column, turning each row into planar uint8 pixels of the cache's size.
/// Failures name the row, with the row's text columns (such as an image path) when the data has any.
/// </summary>
internal abstract class PixelRowReader : IDisposable
{
    private const int MaxContextColumns = 3;
    private readonly List<(string Name, ValueGetter<ReadOnlyMemory<char>> Getter)> _context = new();

    protected PixelRowReader(string columnName) => ColumnName = columnName;

    /// <summary>Name of the input column.</summary>
    public string ColumnName { get; }

    /// <summary>Channels written per row.</summary>
    public abstract int Channels { get; }

    /// <summary>Advances to the next row.</summary>
    public abstract bool MoveNext();

    /// <summary>
    /// Writes the current row (number <paramref name="row"/>) into <paramref name="destination"/> and returns where
    /// its picture lies in it (the whole image unless it was fitted into a padded square).
    /// </summary>
    /// <exception cref="InvalidOperationException">The row holds no usable picture.</exception>
    public abstract CropBox Read(int row, Span<byte> destination);

    /// <summary>The cursor's columns to activate besides the input: text columns that describe a row in errors.</summary>
    protected static IEnumerable<DataViewSchema.Column> ContextColumns(DataViewSchema schema, string columnName)
        => schema.Where(c => !c.IsHidden && c.Name != columnName && c.Type is TextDataViewType).Take(MaxContextColumns);

    /// <summary>Remembers the getters of the context columns of <paramref name="cursor"/>.</summary>
    protected void BindContext(DataViewRowCursor cursor, IEnumerable<DataViewSchema.Column> columns)
    {
        foreach (var column in columns)
            _context.Add((column.Name, cursor.GetGetter<ReadOnlyMemory<char>>(column)));
    }

    /// <summary>An error about row <paramref name="row"/>, naming the column, the row and its text columns.</summary>
    protected InvalidOperationException RowError(int row, string problem, Exception? inner = null)
        => new($"Row {row} of input column '{ColumnName}'{DescribeRow()} {problem}", inner);

    /// <summary>A data error about row <paramref name="row"/> (an image over the size limit, or one that cannot be allocated).</summary>
    protected InvalidDataException RowDataError(int row, string problem, Exception? inner = null)
        => new($"Row {row} of input column '{ColumnName}'{DescribeRow()}: {problem}", inner);

    private string DescribeRow()
    {
        var parts = new List<string>();
        foreach (var (name, getter) in _context)
        {
            try
            {
                ReadOnlyMemory<char> value = default;
                getter(ref value);
                parts.Add($"{name} = '{value}'");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The description is a courtesy: a row whose text cannot be read is still named by its index.
            }
        }
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    public abstract void Dispose();
}
