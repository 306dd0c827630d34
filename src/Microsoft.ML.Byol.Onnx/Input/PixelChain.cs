using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Input;

/// <summary>How an image of any size becomes S×S.</summary>
internal enum PixelResizing
{
    /// <summary>
    /// ResizeImages(S, S, IsoCrop, Center): scaled so the shorter side is S, the longer side cropped about the centre
    /// (what scoring, the embedder and the training cache do; <see cref="IsoResizer"/> is its direct equivalent).
    /// </summary>
    CentreCrop,

    /// <summary>
    /// ResizeImages(S, S, IsoPad, Center): the whole picture scaled so the longer side is S, centred, the rest black
    /// (what the training cache stores, so that random crops can reach every side; <see cref="IsoResizer"/> is its
    /// direct equivalent).
    /// </summary>
    WholePicture,
}

/// <summary>What ExtractPixels writes.</summary>
internal enum PixelValues
{
    /// <summary>Planar R, G, B bytes as they are (offset 0, scale 1): the training cache's uint8 pixels.</summary>
    Bytes,

    /// <summary>Planar R, G, B floats, byte × 1/255 in [0, 1]: the encoder's input.</summary>
    UnitFloats,
}

/// <summary>
/// The one definition of ML.NET's image preprocessing for the encoder: ResizeImages (<see cref="PixelResizing"/>) →
/// ExtractPixels (<see cref="ImageInputContract"/>'s colours, order and scale, planar). The scoring chain, the training
/// cache, the embedder's in-memory images, the tests and EmbedBench all build it here.
/// </summary>
internal static class PixelChain
{
    /// <summary>The two estimators, separately (the scoring chain keeps each transformer at the top level of what it saves).</summary>
    /// <param name="transforms">The catalog that builds them (the user's, where there is one).</param>
    /// <param name="pixelColumn">Output column of ExtractPixels.</param>
    /// <param name="resizedColumn">Output column of ResizeImages (an intermediate MLImage column).</param>
    /// <param name="imageColumn">Input column of MLImage values, of any size.</param>
    /// <param name="imageSize">The side S of the square output.</param>
    /// <param name="values">Bytes (the training cache) or floats in [0, 1] (the encoder).</param>
    /// <param name="resizing">How images become S×S.</param>
    public static (ImageResizingEstimator Resize, ImagePixelExtractingEstimator Extract) Estimators(TransformsCatalog transforms,
        string pixelColumn, string resizedColumn, string imageColumn, int imageSize, PixelValues values,
        PixelResizing resizing = PixelResizing.CentreCrop)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageSize);
        var resize = resizing switch
        {
            PixelResizing.CentreCrop => transforms.ResizeImages(resizedColumn, imageSize, imageSize, imageColumn,
                ImageResizingEstimator.ResizingKind.IsoCrop, ImageResizingEstimator.Anchor.Center),
            PixelResizing.WholePicture => transforms.ResizeImages(resizedColumn, imageSize, imageSize, imageColumn,
                ImageResizingEstimator.ResizingKind.IsoPad, ImageResizingEstimator.Anchor.Center),
            _ => throw new ArgumentOutOfRangeException(nameof(resizing), resizing, "Unknown resizing."),
        };
        bool floats = values == PixelValues.UnitFloats;
        var extract = transforms.ExtractPixels(pixelColumn, resizedColumn, ImageInputContract.ColorBits,
            ImageInputContract.ColorsOrder, interleavePixelColors: false, offsetImage: ImageInputContract.PixelOffset,
            scaleImage: floats ? ImageInputContract.PixelScale : 1f, outputAsFloatArray: floats);
        return (resize, extract);
    }

    /// <summary>ResizeImages → ExtractPixels as one estimator (parameters as for <see cref="Estimators"/>).</summary>
    public static IEstimator<ITransformer> Create(TransformsCatalog transforms, string pixelColumn, string resizedColumn,
        string imageColumn, int imageSize, PixelValues values, PixelResizing resizing = PixelResizing.CentreCrop)
    {
        var (resize, extract) = Estimators(transforms, pixelColumn, resizedColumn, imageColumn, imageSize, values, resizing);
        return resize.Append(extract);
    }
}
