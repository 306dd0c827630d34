using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Scoring;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// Reads an MLImage column through ML.NET's own ResizeImages (isotropic, centre crop) and ExtractPixels (planar
/// R, G, B bytes), built by <see cref="PixelChain"/>: the same pixels the scoring chain sees, before its 1/255 scale.
/// With a whole-image side, the chain fits the whole picture into that square instead (<see cref="PixelResizing.WholePicture"/>)
/// and each row's content box is computed from the source image's size (<see cref="IsoResizer.Content"/>), read
/// from the input column first: for a LoadImages column that decodes the file a second time.
/// The column is read through <see cref="LimitedImageView"/>: when it is LoadImages' own output, each row's file header
/// is checked against the size limit before ML.NET decodes it; otherwise the decoded image is checked (after the fact).
/// </summary>
internal sealed class ImagePixelReader : PixelRowReader
{
    private readonly DataViewRowCursor _cursor;
    private readonly ValueGetter<VBuffer<byte>> _getter;
    private readonly ValueGetter<MLImage>? _source;
    private readonly int _size;
    private readonly bool _whole;
    private VBuffer<byte> _buffer;
    private MLImage _sourceImage = null!; // the getter's buffer: null until the first row, and for rows without an image

    public ImagePixelReader(TransformsCatalog transforms, IDataView data, InputColumn column, int imageSize, long maxImagePixels, int? wholeImageSide = null)
        : base(column.Name)
    {
        _whole = wholeImageSide is not null;
        _size = wholeImageSide ?? imageSize;
        var limited = new LimitedImageView(data, column.Name, maxImagePixels);
        ChecksFiles = limited.ChecksFiles;
        data = limited;
        string suffix = Guid.NewGuid().ToString("N");
        string resized = "ByolResized_" + suffix, pixels = "ByolPixels_" + suffix;
        var pipeline = PixelChain.Create(transforms, pixels, resized, column.Name, _size, PixelValues.Bytes,
            _whole ? PixelResizing.WholePicture : PixelResizing.CentreCrop);
        var view = pipeline.Fit(data).Transform(data);
        var context = ContextColumns(data.Schema, column.Name).Select(c => view.Schema[c.Name]).ToList();
        var pixelColumn = view.Schema[pixels];
        // With only cacheable columns active, ML.NET decodes on several threads and hands rows back in no fixed order,
        // with errors detached from their row. The image column (not cacheable, and never read here) keeps one
        // sequential cursor, so errors name their row and the cache keeps the data's order.
        _cursor = view.GetRowCursor(context.Append(pixelColumn).Append(view.Schema[column.Name]));
        _getter = _cursor.GetGetter<VBuffer<byte>>(pixelColumn);
        if (_whole)
            _source = _cursor.GetGetter<MLImage>(view.Schema[column.Name]);
        BindContext(_cursor, context);
    }

    public override int Channels => 3;

    /// <summary>Whether file headers are checked before decoding (the column is LoadImages' own output).</summary>
    public bool ChecksFiles { get; }

    public override bool MoveNext() => _cursor.MoveNext();

    public override CropBox Read(int row, Span<byte> destination)
    {
        var content = CropBox.Whole(_size, _size);
        try
        {
            // The source's size first: ResizeImages and ExtractPixels may dispose the image once they have used it.
            if (_source is not null)
            {
                _source(ref _sourceImage);
                if (_sourceImage is { Width: > 0, Height: > 0 } image)
                {
                    var box = IsoResizer.Content(image.Width, image.Height, _size);
                    content = new CropBox(box.Top, box.Left, box.Height, box.Width);
                }
            }
            _getter(ref _buffer);
        }
        catch (InvalidDataException e)
        {
            // The size limit, or pixels that could not be allocated (LimitedImageView names the file when it knows it).
            throw RowDataError(row, e.Message, e);
        }
        catch (Exception e) when (ImageLimits.IsAllocationFailure(e))
        {
            throw RowDataError(row, $"its pixels could not be allocated ({e.Message}).", e);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("disposed", StringComparison.Ordinal))
        {
            // ML.NET 5's ResizeImages keeps the previous, disposed image when a row has none, and ExtractPixels then fails.
            throw RowError(row, "has no image, or an MLImage that was already disposed (ML.NET's ResizeImages and ExtractPixels dispose the images " +
                "they are given, and report an empty path or missing image after another row as 'Object is disposed'). Remove or fix the row.", e);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            throw RowError(row, $"could not be read as an image ({e.GetType().Name}: {e.Message}). Remove or fix the row.", e);
        }
        // ExtractPixels gives an all-implicit (sparse) vector when there is no image: an empty path, or a null MLImage.
        if (!_buffer.IsDense && _buffer.GetValues().Length == 0)
            throw RowError(row, "has no image (empty path or missing MLImage). Remove or fix the row.");
        if (_buffer.Length != destination.Length)
            throw RowError(row, $"gave {_buffer.Length} pixel values, expected {destination.Length} (3×{_size}×{_size}).");
        _buffer.CopyTo(destination);
        return content;
    }

    public override void Dispose() => _cursor.Dispose();
}
