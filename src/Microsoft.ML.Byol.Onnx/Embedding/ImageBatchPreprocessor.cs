using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Turns images into the encoder's planar RGB floats in [0, 1] with ML.NET's own transforms, built as
/// <see cref="ByolTransformer"/>'s chain is (<see cref="PixelChain"/>: ResizeImages, S×S, iso crop, centre →
/// ExtractPixels, planar, ×1/255, float), over a small in-memory view per chunk of images. The embedder uses it only for in-memory
/// <see cref="MLImage"/>s that need resizing (their SkiaSharp bitmap is not reachable, so <see cref="ImageWorkspace"/>
/// cannot resize them); files and S×S images take the direct path. The fitted transformer is immutable, so concurrent
/// calls are safe.
/// </summary>
internal sealed class ImageBatchPreprocessor
{
    private const string Resized = "ByolEmbedderResized", Pixels = "ByolEmbedderPixels";
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;

    public ImageBatchPreprocessor(MLContext ml, int imageSize)
    {
        _ml = ml;
        ImageSize = imageSize;
        var estimator = PixelChain.Create(ml.Transforms, Pixels, Resized, nameof(EmbedderImageRow.Image), imageSize, PixelValues.UnitFloats);
        _transformer = estimator.Fit(ml.Data.LoadFromEnumerable(Array.Empty<EmbedderImageRow>()));
    }

    public int ImageSize { get; }

    /// <summary>Floats per image: 3×S×S.</summary>
    public int PixelsPerImage => ImageInputContract.Channels * ImageSize * ImageSize;

    /// <summary>
    /// Writes the pixels of image i of <paramref name="images"/> into slot <c>slots[i]</c> (3×S×S floats each) of
    /// <paramref name="destination"/>. ML.NET's image transforms dispose the images they read.
    /// </summary>
    /// <param name="images">The images, of any size.</param>
    /// <param name="slots">Where each image goes, in images of 3×S×S floats from the start of the destination.</param>
    /// <param name="destination">Room for every slot.</param>
    /// <param name="describe">Names image i in error messages (its index or its file).</param>
    public void Write(IReadOnlyList<MLImage> images, IReadOnlyList<int> slots, Memory<float> destination, Func<int, string> describe)
    {
        int plane = PixelsPerImage;
        var view = _transformer.Transform(_ml.Data.LoadFromEnumerable(images.Select(i => new EmbedderImageRow { Image = i })));
        var column = view.Schema[Pixels];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        for (int i = 0; i < images.Count; i++)
        {
            cursor.MoveNext();
            try
            {
                getter(ref buffer);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                throw new InvalidDataException($"{describe(i)} could not be turned into pixels ({e.GetType().Name}: {e.Message}).", e);
            }

            if (buffer.Length != plane || (!buffer.IsDense && buffer.GetValues().Length == 0))
            {
                throw new InvalidDataException($"{describe(i)} gave {buffer.GetValues().Length} pixel values, expected {plane} (3×{ImageSize}×{ImageSize}).");
            }

            buffer.CopyTo(destination.Span.Slice(slots[i] * plane, plane));
        }
    }
}
