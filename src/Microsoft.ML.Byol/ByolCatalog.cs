using Microsoft.ML.Byol;

namespace Microsoft.ML;

/// <summary>BYOL self-supervised pretraining in the <see cref="TransformsCatalog"/> (<c>mlContext.Transforms.ByolPretrain</c>).</summary>
public static class ByolCatalog
{
    /// <summary>
    /// Pretrains an image encoder with BYOL on the images of <see cref="ByolOptions.InputColumnName"/> (no labels) and
    /// adds its embedding as <see cref="ByolOptions.OutputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="options">All settings; see <see cref="ByolOptions"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public static ByolEstimator ByolPretrain(this TransformsCatalog catalog, ByolOptions options)
        => new(catalog, options);

    /// <summary>
    /// Pretrains an image encoder with BYOL with the paper's defaults for everything not given here.
    /// </summary>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="outputColumnName">Embedding column to add (known-size float vector).</param>
    /// <param name="inputColumnName">Image column (MLImage) or known-size float vector of C×H×W pixels.</param>
    /// <param name="architecture">ResNet depth of the encoder.</param>
    /// <param name="imageSize">Training crop size in pixels (images are embedded above that, by default about 1.56 × for the default crops: <see cref="ByolOptions.EmbeddingImageSize"/>).</param>
    /// <param name="epochs">Passes over the images.</param>
    /// <param name="batchSize">Images per optimizer step.</param>
    public static ByolEstimator ByolPretrain(this TransformsCatalog catalog,
        string outputColumnName = "Embedding", string inputColumnName = "Image",
        ByolArchitecture architecture = ByolArchitecture.ResNet50, int imageSize = 224,
        int epochs = 300, int batchSize = 256)
        => ByolPretrain(catalog, new ByolOptions
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Architecture = architecture,
            ImageSize = imageSize,
            Epochs = epochs,
            BatchSize = batchSize,
        });
}
