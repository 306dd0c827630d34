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
/// </summary>
internal sealed class ImageFileDecoder(long maxPixels = ImageLimits.DefaultMaxPixels) : IDisposable
{
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
