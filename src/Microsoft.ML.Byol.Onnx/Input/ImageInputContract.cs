using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// What an encoder reads, in one place: float32 [N, 3, S, S], planar R, G, B in [0, 1] (ExtractPixels' byte × 1/255),
/// S = the encoder's image size, normalised inside the graph with <see cref="ImageNetNormalization"/>. Images reach it
/// through <see cref="PixelChain"/> (ML.NET's ResizeImages → ExtractPixels) or its direct equivalent
/// (<see cref="IsoResizer"/> → <see cref="PlanarRgbWriter"/>), bit for bit; pixel vectors are read as they are
/// (<see cref="InputColumn"/> says which shapes), a single grey plane repeated into R, G and B.
/// </summary>
internal static class ImageInputContract
{
    /// <summary>Channels the encoder reads: R, G, B planes, in that order.</summary>
    public const int Channels = 3;

    /// <summary>The channel order, as the encoder's metadata states it.</summary>
    public const string ChannelOrder = "RGB";

    /// <summary>The input, as the encoder's metadata states it.</summary>
    public const string PixelFormat = "input is float RGB in [0,1], CHW";

    /// <summary>ExtractPixels' colours: R, G and B, without alpha.</summary>
    public const ImagePixelExtractingEstimator.ColorBits ColorBits = ImagePixelExtractingEstimator.ColorBits.Rgb;

    /// <summary>ExtractPixels' order of the planes it writes (ARGB without the alpha bit: R, G, B).</summary>
    public const ImagePixelExtractingEstimator.ColorsOrder ColorsOrder = ImagePixelExtractingEstimator.ColorsOrder.ARGB;

    /// <summary>ExtractPixels' <c>offsetImage</c>: none.</summary>
    public const float PixelOffset = 0f;

    /// <summary>ExtractPixels' <c>scaleImage</c> for the encoder's floats: a byte b becomes b × 1/255, in [0, 1].</summary>
    public const float PixelScale = 1f / 255f;

    /// <summary>
    /// The grey → RGB rule, on host floats: repeats the first plane of <paramref name="pixels"/> into the planes after
    /// <paramref name="channels"/>, up to <see cref="Channels"/>, so a grey image (one plane) becomes R = G = B = grey.
    /// Three planes are left as they are.
    /// </summary>
    /// <remarks>
    /// The one definition of the rule (the batched scoring path calls it). The two media that cannot call it state it
    /// again and cite it here: the ONNX head of a saved scoring chain (<see cref="Graph.EncoderGraphAdapter"/>: Concat
    /// of the grey plane <see cref="Channels"/> times) and the training batch on the device
    /// (<c>Microsoft.ML.Byol.Augment.ByteImages.ToFloatRgb</c>: <c>expand</c> to <see cref="Channels"/> planes).
    /// <c>GreyToRgbTests</c> runs one grey plane through the three and requires the same planes.
    /// </remarks>
    /// <param name="pixels">Room for 3 planes of <paramref name="plane"/> values; the first <paramref name="channels"/> are written.</param>
    /// <param name="channels">Planes already written: 1 or 3.</param>
    /// <param name="plane">Values per plane (S×S).</param>
    public static void RepeatGreyPlane<T>(Span<T> pixels, int channels, int plane)
    {
        for (int c = channels; c < Channels; c++)
        {
            pixels[..plane].CopyTo(pixels.Slice(c * plane, plane));
        }
    }
}
