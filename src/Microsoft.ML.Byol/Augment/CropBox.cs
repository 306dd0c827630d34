namespace Microsoft.ML.Byol.Augment;

/// <summary>A crop rectangle in whole input pixels: rows [Top, Top+Height), columns [Left, Left+Width).</summary>
internal readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    /// <summary>The fraction of an <paramref name="imageHeight"/>×<paramref name="imageWidth"/> image the box covers.</summary>
    public double AreaFraction(int imageHeight, int imageWidth) => (double)Height * Width / ((double)imageHeight * imageWidth);
}
