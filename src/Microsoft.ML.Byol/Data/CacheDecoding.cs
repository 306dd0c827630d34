using Microsoft.ML.Byol.Embedding;

namespace Microsoft.ML.Byol.Data;

/// <summary>How the training cache decodes its images (<see cref="ImageCacheBuilder"/>, <see cref="CacheFileDecoder"/>): the one
/// statement of the cache's decode settings, made from <see cref="ByolOptions"/> once per run.</summary>
/// <param name="ImageSize">The training size (the side of the scoring view).</param>
/// <param name="WholeImageSide">The side of the padded square that holds whole pictures; null: the scoring view.</param>
/// <param name="MaxImagePixels">Largest image decoded, in pixels (checked on the file's header, before decoding).</param>
/// <param name="ReducedDecoding">Decode JPEG and WebP at a reduced size that keeps
/// <see cref="ImageWorkspace.ReducedDecodingFactor"/> × the cached side (<see cref="ByolOptions.ReducedSizeDecoding"/>).</param>
internal sealed record CacheDecoding(
    int ImageSize, int? WholeImageSide = null, long MaxImagePixels = ImageLimits.DefaultMaxPixels, bool ReducedDecoding = false);
