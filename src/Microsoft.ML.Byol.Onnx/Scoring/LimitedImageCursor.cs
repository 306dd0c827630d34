using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// The cursor of <see cref="LimitedImageView"/>: the input's cursor, with a getter of the image column that checks
/// the row's file header first (when the path is known), then ML.NET's decoded image.
/// </summary>
internal sealed class LimitedImageCursor(
    DataViewRowCursor input, DataViewSchema.Column image, LoadImagesSource? source, long maxPixels) : DataViewRowCursor
{
    public override DataViewSchema Schema => input.Schema;

    public override long Position => input.Position;

    public override long Batch => input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Index != image.Index || typeof(TValue) != typeof(MLImage))
        {
            return input.GetGetter<TValue>(column);
        }

        var images = input.GetGetter<MLImage>(column);
        var paths = source is null ? null : input.GetGetter<ReadOnlyMemory<char>>(source.PathColumn);
        ReadOnlyMemory<char> path = default;
        ValueGetter<MLImage> getter = (ref MLImage value) =>
        {
            string? file = null;
            if (paths is not null)
            {
                paths(ref path);
                if (!path.IsEmpty)
                {
                    file = source!.Resolve(path.ToString());
                    ImageLimits.CheckFile(file, maxPixels);
                }
            }

            try
            {
                images(ref value);
            }
            catch (Exception e) when (ImageLimits.IsAllocationFailure(e))
            {
                throw ImageLimits.AllocationFailed(file is null ? "The image" : $"Image file '{file}'", e);
            }

            if (value is not null)
            {
                string what = file is not null ? $"Image file '{file}'" : value.Tag is { Length: > 0 } tag ? $"Image '{tag}'" : "The image";
                ImageLimits.Check(value.Width, value.Height, maxPixels, what, declared: false);
            }
        };
        return (ValueGetter<TValue>)(Delegate)getter;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
        }

        base.Dispose(disposing);
    }
}
