using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace FashionMnistQuality;

/// <summary>
/// What an ML.NET user's pipeline makes of an image column before a DNN: <c>ResizeImages</c> (isotropic, centre crop)
/// then <c>ExtractPixels</c> with its defaults (planar R, G, B floats, 0–255). The input of <c>DnnFeaturizeImage</c>.
/// </summary>
internal static class MlNetPixels
{
    public const string Column = "Pixels";

    public static IEstimator<ITransformer> Pipeline(MLContext ml, int size, string imageColumn = "Image")
        => ml.Transforms.ResizeImages("Resized", size, size, imageColumn, ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center)
            .Append(ml.Transforms.ExtractPixels(Column, "Resized"));

    /// <summary>Reads the pixels of every row in order, <paramref name="batch"/> rows at a time: (first row, rows, C×H×W floats per row).</summary>
    public static IEnumerable<(int Start, int Count, float[] Pixels)> Batches(MLContext ml, IDataView images, int size, int batch)
    {
        var view = Pipeline(ml, size).Fit(images).Transform(images);
        int plane = 3 * size * size;
        var column = view.Schema[Column];
        // Only the pixel column and the image column it is computed from: one sequential cursor keeps the rows' order.
        using var cursor = view.GetRowCursor(new[] { column, view.Schema["Image"] });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        var pixels = new float[batch * plane];
        int start = 0, count = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            buffer.CopyTo(pixels.AsSpan(count * plane, plane));
            if (++count == batch)
            {
                yield return (start, count, pixels);
                start += count;
                count = 0;
                pixels = new float[batch * plane];
            }
        }
        if (count > 0)
            yield return (start, count, pixels);
    }
}
