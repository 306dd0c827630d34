using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// The input view, unchanged, except that reading its MLImage column enforces the image size limit
/// (<see cref="ImageLimits"/>). When the column is LoadImages' own output (<see cref="LoadImagesSource"/>), each row's
/// file header is checked before ML.NET decodes the file, and an allocation failure while decoding becomes an
/// <see cref="InvalidDataException"/> naming the file. Otherwise (in-memory images, or images transformed after
/// loading) only the image ML.NET hands over can be checked: it is allocated already. Errors are
/// <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class LimitedImageView : IDataView
{
    private readonly IDataView _input;
    private readonly DataViewSchema.Column _image;
    private readonly LoadImagesSource? _source;
    private readonly long _maxPixels;

    public LimitedImageView(IDataView input, string imageColumnName, long maxPixels)
    {
        _input = input;
        _image = input.Schema[imageColumnName];
        _source = LoadImagesSource.Find(input, _image);
        _maxPixels = maxPixels;
    }

    /// <summary>Whether files are checked before decoding (the column is LoadImages' own output).</summary>
    public bool ChecksFiles => _source is not null;

    public DataViewSchema Schema => _input.Schema;

    public bool CanShuffle => _input.CanShuffle;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = Needed(columnsNeeded, out bool wrap);
        var cursor = _input.GetRowCursor(needed, rand);
        return wrap ? Wrap(cursor) : cursor;
    }

    /// <summary>The input's cursor set (ML.NET may decode on several threads), each cursor wrapped.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var needed = Needed(columnsNeeded, out bool wrap);
        var cursors = _input.GetRowCursorSet(needed, n, rand);
        return wrap ? cursors.Select(Wrap).ToArray() : cursors;
    }

    /// <summary>The columns to ask the input for: the path column too when the image column is read and has one.</summary>
    private List<DataViewSchema.Column> Needed(IEnumerable<DataViewSchema.Column> columnsNeeded, out bool wrap)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var needed = columnsNeeded.ToList();
        wrap = needed.Any(c => c.Index == _image.Index);
        if (wrap && _source is not null && !needed.Any(c => c.Index == _source.PathColumn.Index))
        {
            needed.Add(_source.PathColumn);
        }

        return needed;
    }

    private DataViewRowCursor Wrap(DataViewRowCursor cursor) => new LimitedImageCursor(cursor, _image, _source, _maxPixels);
}
