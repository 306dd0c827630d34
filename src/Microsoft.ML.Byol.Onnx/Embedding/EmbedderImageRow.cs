using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>One row of the small in-memory views the embedder hands to ML.NET's image transforms.</summary>
internal sealed class EmbedderImageRow
{
    /// <summary>The image; ML.NET does not check the declared size, so images of any size pass.</summary>
    [ImageType(1, 1)]
    public MLImage? Image { get; set; }
}
