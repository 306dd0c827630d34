using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// What an input column holds: <see cref="MLImage"/> values (resized and turned into pixels by
/// <see cref="PixelChain"/>), or float vectors of <see cref="Channels"/> planes of pixels (C = 1 or 3).
/// Records compare by value, so a format is also the key of the scoring chain built for it.
/// </summary>
internal sealed record InputFormat(bool IsImage, int Channels)
{
    /// <summary>An MLImage column: three channels once its pixels are extracted.</summary>
    public static readonly InputFormat Image = new(true, ImageInputContract.Channels);
}
