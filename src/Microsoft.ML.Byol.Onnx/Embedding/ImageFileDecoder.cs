using SkiaSharp;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// Decodes image files to the pixels <c>MLImage.CreateFromFile</c> (ML.NET 5, as <c>LoadImages</c> uses) holds, with
/// the same SkiaSharp calls: the codec's own image info, unpremultiplied alpha made premultiplied and the colour space
/// dropped (as <c>SKBitmap.Decode</c> does), and any colour type other than BGRA or RGBA 8888 (grey PNGs and JPEGs,
/// for example) copied to BGRA 8888 (as <c>MLImage</c> does). One difference: a file whose data ends before the
/// picture does (a JPEG or PNG cut short after its header) is refused as broken, where <c>MLImage</c> accepts the
/// partial picture SkiaSharp decodes (incomplete input: the rows after the cut are filled in). The decoded
/// bitmap is kept and reused for the next file of the same size and format, so a run of equal-sized files allocates
/// no pixel memory. The size the file declares is checked against a limit (<see cref="ImageLimits"/>) before any pixel
/// memory is allocated. Not thread-safe: one decoder per thread.
/// With <paramref name="reducedShortSide"/> &gt; 0, a codec that can decode at a reduced size (JPEG's DCT scaling at
/// 1/2, 1/4 or 1/8; WebP) decodes at the smallest of those whose short side is still at least that many pixels: the
/// pixels then differ from <c>MLImage</c>'s (an area-like reduction before the resize), and decoding a photo of many
/// megapixels costs a fraction. PNG and other codecs decode at full size either way.
/// </summary>
/// <param name="maxPixels">Largest image decoded, in pixels (checked on the size the file declares).</param>
/// <param name="reducedShortSide">0: full size (<c>MLImage</c>'s pixels); else the least short side of a reduced decode.</param>
internal sealed class ImageFileDecoder(long maxPixels = ImageLimits.DefaultMaxPixels, int reducedShortSide = 0) : IDisposable
{
    /// <summary>The reduced scales tried, smallest first (libjpeg-turbo's DCT scaling offers eighths).</summary>
    private static readonly float[] ReducedScales = { 0.125f, 0.25f, 0.5f };

    private SKBitmap? _decoded;
    private SKBitmap? _converted;

    /// <summary>
    /// Decodes <paramref name="path"/>. The bitmap returned (BGRA or RGBA 8888) belongs to this decoder and is valid
    /// until its next call.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not an image SkiaSharp can decode, is truncated (its data ends before the picture does), declares
    /// more pixels than the limit, or its pixels cannot be allocated.
    /// </exception>
    public SKBitmap Decode(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image file '{path}' was not found.", path);
        }

        using var codec = SKCodec.Create(path)
            ?? throw new InvalidDataException($"Image file '{path}' could not be decoded as an image (no codec recognises it).");
        return Decode(codec, $"Image file '{path}'");
    }

    /// <summary>
    /// Decodes an image held in <paramref name="stream"/> (read from its current position; not disposed), named
    /// <paramref name="key"/> in errors. The bitmap returned belongs to this decoder and is valid until its next call.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The stream is not an image SkiaSharp can decode, is truncated (its data ends before the picture does), declares
    /// more pixels than the limit, or its pixels cannot be allocated.
    /// </exception>
    public SKBitmap Decode(Stream stream, string key)
    {
        using var codec = SKCodec.Create(stream)
            ?? throw new InvalidDataException($"Image '{key}' could not be decoded as an image (no codec recognises it).");
        return Decode(codec, $"Image '{key}'");
    }

    private SKBitmap Decode(SKCodec codec, string what)
    {
        var info = codec.Info;
        ImageLimits.Check(info.Width, info.Height, maxPixels, what, declared: true);
        if (info.AlphaType == SKAlphaType.Unpremul)
        {
            info.AlphaType = SKAlphaType.Premul;
        }

        info.ColorSpace = null;
        info = Reduced(codec, info);
        SKBitmap bitmap;
        try
        {
            bitmap = Reuse(ref _decoded, info);
        }
        catch (Exception e) when (ImageLimits.IsAllocationFailure(e))
        {
            throw ImageLimits.AllocationFailed($"{what} ({info.Width}×{info.Height})", e);
        }

        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
        {
            throw new InvalidDataException(
                $"{what} is truncated or incomplete: its data ends before the picture does (SkiaSharp: {result}), so only part of it could be decoded.");
        }

        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException($"{what} could not be decoded as an image (SkiaSharp: {result}).");
        }

        bitmap.NotifyPixelsChanged();
        return info.ColorType is SKColorType.Bgra8888 or SKColorType.Rgba8888 ? bitmap : ToBgra(bitmap, what);
    }

    /// <summary>The size to decode at: <paramref name="info"/>, or the smallest reduced size the codec offers that keeps
    /// the short side at least <c>reducedShortSide</c>.</summary>
    private SKImageInfo Reduced(SKCodec codec, SKImageInfo info)
    {
        if (reducedShortSide <= 0)
        {
            return info;
        }

        foreach (float scale in ReducedScales)
        {
            var size = codec.GetScaledDimensions(scale);
            if (size.Width < info.Width && Math.Min(size.Width, size.Height) >= reducedShortSide)
            {
                return info.WithSize(size.Width, size.Height);
            }
        }

        return info;
    }

    /// <summary>Releases the bitmaps.</summary>
    public void Dispose()
    {
        _decoded?.Dispose();
        _decoded = null;
        _converted?.Dispose();
        _converted = null;
    }

    /// <summary>A bitmap of <paramref name="info"/>: the one held if it matches, else a new one replacing it.</summary>
    internal static SKBitmap Reuse(ref SKBitmap? held, SKImageInfo info)
    {
        if (held is not null && held.Info == info)
        {
            return held;
        }

        held?.Dispose();
        held = null;
        var bitmap = new SKBitmap(info);
        if (bitmap.GetPixels() == IntPtr.Zero)
        {
            bitmap.Dispose();
            throw ImageLimits.Mark(new InvalidDataException($"Could not allocate a {info.Width}×{info.Height} {info.ColorType} bitmap."));
        }

        held = bitmap;
        return bitmap;
    }

    /// <summary>MLImage's conversion of other colour types: <c>SKBitmap.Copy(Bgra8888)</c>, when possible.</summary>
    private SKBitmap ToBgra(SKBitmap bitmap, string what)
    {
        if (!bitmap.CanCopyTo(SKColorType.Bgra8888))
        {
            throw new InvalidDataException($"{what} has an unsupported pixel format ({bitmap.ColorType}).");
        }

        SKBitmap? copy;
        try
        {
            copy = bitmap.Copy(SKColorType.Bgra8888);
        }
        catch (Exception e) when (ImageLimits.IsAllocationFailure(e))
        {
            throw ImageLimits.AllocationFailed($"{what} ({bitmap.Width}×{bitmap.Height})", e);
        }

        if (copy is null)
        {
            throw new InvalidDataException($"{what} could not be converted from {bitmap.ColorType} to BGRA.");
        }

        _converted?.Dispose();
        _converted = copy;
        return copy;
    }
}
