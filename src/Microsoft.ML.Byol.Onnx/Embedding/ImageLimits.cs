using System.Globalization;
using SkiaSharp;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// The one place that limits the size of the images decoded for training and scoring. A compressed file can declare
/// a huge size in a few bytes (a 3 KB PNG declaring 20 000×20 000 makes SkiaSharp allocate 1.6 GB), so the size is
/// read from the file's header (<see cref="SKCodec"/>'s image info, without decoding) and checked before any pixel
/// buffer exists. Images already in memory can only be checked after the fact.
/// </summary>
internal static class ImageLimits
{
    /// <summary>Default of <c>MaxImagePixels</c>: 100 million pixels (400 MB decoded as BGRA).</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Throws when <paramref name="maxPixels"/> is not positive.</summary>
    public static void RequirePositive(long maxPixels, string paramName)
    {
        if (maxPixels <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, maxPixels, "MaxImagePixels must be positive.");
        }
    }

    /// <summary>Throws when a size exceeds <paramref name="maxPixels"/>.</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="maxPixels">The limit.</param>
    /// <param name="what">Names the image in the message (its file, or its row or index).</param>
    /// <param name="declared">True for a size read from a header (nothing decoded yet), false for a decoded image.</param>
    /// <exception cref="InvalidDataException">The image is larger than the limit.</exception>
    public static void Check(long width, long height, long maxPixels, string what, bool declared)
    {
        if (width * height > maxPixels)
        {
            throw TooLarge(width, height, maxPixels, what, declared);
        }
    }

    /// <summary>
    /// Reads the size that <paramref name="path"/> declares in its header, without decoding it, and checks it. Files
    /// that do not exist or that no codec recognises pass: the decoder that follows reports them in its own words.
    /// </summary>
    /// <exception cref="InvalidDataException">The file declares more pixels than <paramref name="maxPixels"/>.</exception>
    public static void CheckFile(string path, long maxPixels)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var codec = SKCodec.Create(path);
        if (codec is not null)
        {
            Check(codec.Info, maxPixels, path);
        }
    }

    /// <summary>Checks a codec's image info (the size the file declares) against the limit.</summary>
    /// <exception cref="InvalidDataException">The file declares more pixels than <paramref name="maxPixels"/>.</exception>
    public static void Check(SKImageInfo declared, long maxPixels, string path) =>
        Check(declared.Width, declared.Height, maxPixels, $"Image file '{path}'", declared: true);

    /// <summary>
    /// Whether <paramref name="e"/> is the bare <see cref="Exception"/> SkiaSharp throws when it cannot allocate a
    /// bitmap's pixels ("Unable to allocate pixels for the bitmap"), which names neither the file nor the size.
    /// </summary>
    public static bool IsAllocationFailure(Exception e) => e.GetType() == typeof(Exception);

    /// <summary>The documented error for an image whose pixels could not be allocated.</summary>
    public static InvalidDataException AllocationFailed(string what, Exception e) =>
        Mark(new InvalidDataException($"{what} could not be decoded: its pixels could not be allocated ({e.Message}).", e));

    private static InvalidDataException TooLarge(long width, long height, long maxPixels, string what, bool declared) =>
        Mark(new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"{what} {(declared ? "declares" : "is")} {width}×{height} = {width * height:N0} pixels, more than MaxImagePixels = {maxPixels:N0}{(declared ? "; it was refused before decoding" : "")}. Raise MaxImagePixels if such images are expected.")));

    /// <summary>
    /// Whether <paramref name="e"/> is an error of this class (an image over the limit, or one whose pixels could not be
    /// allocated), as opposed to a file that is not an image: the training cache reports the two differently.
    /// </summary>
    public static bool IsLimitError(Exception e) => e is InvalidDataException && e.Data.Contains(LimitKey);

    /// <summary>Marks <paramref name="e"/> as an error of this class (see <see cref="IsLimitError"/>).</summary>
    public static InvalidDataException Mark(InvalidDataException e)
    {
        e.Data[LimitKey] = true;
        return e;
    }

    private const string LimitKey = "Microsoft.ML.Byol.ImageLimit";
}
