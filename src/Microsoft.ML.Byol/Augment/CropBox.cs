namespace Microsoft.ML.Byol.Augment;

/// <summary>A crop rectangle in whole input pixels: rows [Top, Top+Height), columns [Left, Left+Width).</summary>
internal readonly record struct CropBox(int Top, int Left, int Height, int Width);
