namespace Microsoft.ML.Byol;

/// <summary>What <see cref="ByolEstimator.Fit"/> does with a row whose image cannot be used for training.</summary>
/// <remarks>
/// A row is unusable when its file is missing, empty, truncated or not an image, when it declares more pixels than
/// <see cref="ByolOptions.MaxImagePixels"/>, or when the row has no image at all (an empty path or a null
/// <c>MLImage</c>). A file cut short after an intact header is found only when the input column is the direct output
/// of <c>LoadImages</c> (its files are decoded by this library); for other image columns ML.NET has already decoded
/// it as a partial picture, which cannot be told from a whole one, and the row is used.
/// </remarks>
public enum ByolInvalidImageHandling
{
    /// <summary>Stop with an exception naming the first unusable row and its file (the default).</summary>
    Throw,

    /// <summary>
    /// Leave unusable rows out of the training cache and go on. The MLContext log says how many rows were skipped and
    /// names the first few (row and file). A run where every row is unusable is still an error.
    /// </summary>
    Skip,
}
