namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// A rectangle in whole pixels of an image: rows [Top, Top+Height), columns [Left, Left+Width). It is a crop box, or
/// the content box of a cached image (where its picture lies inside the padded square it is stored in).
/// </summary>
internal readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    /// <summary>The whole of a <paramref name="height"/>×<paramref name="width"/> image.</summary>
    public static CropBox Whole(int height, int width) => new(0, 0, height, width);

    /// <summary>The largest square centred in this box (the centre crop the scoring chain takes of a picture).</summary>
    public CropBox CenterSquare()
    {
        int side = Math.Min(Height, Width);
        return new CropBox(Top + (Height - side) / 2, Left + (Width - side) / 2, side, side);
    }
}
