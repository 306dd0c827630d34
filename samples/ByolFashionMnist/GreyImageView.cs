using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace ByolFashionMnist;

/// <summary>
/// Fashion-MNIST as ML.NET users hold images: an <c>MLImage</c> column (the grey value in R, G and B, opaque) and the
/// Label. ML.NET's ResizeImages and ExtractPixels dispose the images they read, so every read of a row makes a
/// fresh 28×28 image from the pixels; a view can be read any number of times.
/// </summary>
internal static class GreyImageView
{
    public static IDataView Create(MLContext ml, IReadOnlyList<PixelRow> rows)
        => ml.Data.LoadFromEnumerable(rows.Select(r => new ImageRow(r)));

    /// <summary>An opaque RGBA image whose three colour channels are the grey pixel.</summary>
    public static MLImage ToImage(float[] grey)
    {
        var rgba = new byte[grey.Length * 4];
        for (int i = 0; i < grey.Length; i++)
        {
            byte v = (byte)Math.Round(grey[i] * 255f, MidpointRounding.AwayFromZero);
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (v, v, v, 255);
        }
        return MLImage.CreateFromPixels(28, 28, MLPixelFormat.Rgba32, rgba);
    }

    internal sealed class ImageRow(PixelRow row)
    {
        // The declared size is not checked by ResizeImages (ImageDataViewType(0, 0) is rejected by ML.NET 5).
        [ImageType(28, 28)]
        public MLImage Image => ToImage(row.Image);

        public string Label => row.Label;
    }
}
