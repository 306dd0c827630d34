using SkiaSharp;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// The direct equivalent of <see cref="PixelChain"/>'s ResizeImages, for both of its modes: resizes a bitmap to S×S
/// the way ML.NET 5's <c>ResizeImages(S, S, IsoCrop | IsoPad, Center)</c> does (through
/// <c>MLImage.CloneWithResizing</c>, which centres whatever the anchor): the scale is the larger
/// (<see cref="PixelResizing.CentreCrop"/>) or the smaller (<see cref="PixelResizing.WholePicture"/>) of S/width and
/// S/height, the scaled image is centred with the offset and size truncated to whole pixels in single precision, and
/// SkiaSharp draws the whole source into that rectangle of an opaque platform-colour (BGRA on little-endian Linux)
/// S×S bitmap, zero (black) where nothing is drawn, with high filter quality. Images already S×S are not resized
/// (ML.NET hands them on unchanged). The target bitmap, canvas and paint are kept and reused. Not thread-safe: one
/// resizer per thread.
/// </summary>
internal sealed class IsoResizer : IDisposable
{
    private readonly SKBitmap _target;
    private readonly SKCanvas _canvas;
    private readonly SKPaint _paint = new() { FilterQuality = SKFilterQuality.High };
    private readonly PixelResizing _resizing;

    public IsoResizer(int size, PixelResizing resizing = PixelResizing.CentreCrop)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        _resizing = resizing;
        _target = new SKBitmap(size, size, isOpaque: true);
        _canvas = new SKCanvas(_target);
    }

    /// <summary>The side S of the square output.</summary>
    public int Size { get; }

    /// <summary>
    /// <paramref name="source"/> itself when it is already S×S, else the resized image in a bitmap that belongs to
    /// this resizer and is valid until its next call.
    /// </summary>
    public SKBitmap Resize(SKBitmap source)
    {
        if (source.Width == Size && source.Height == Size)
        {
            return source;
        }

        unsafe
        {
            // A fresh bitmap's pixels are zero; clear the reused one to match.
            new Span<byte>((void*)_target.GetPixels(), _target.ByteCount).Clear();
        }

        _target.NotifyPixelsChanged();
        _canvas.DrawBitmap(source, new SKRect(0, 0, source.Width, source.Height), Destination(source.Width, source.Height, Size, Size, _resizing), _paint);
        _canvas.Flush();
        return _target;
    }

    /// <summary>Releases the bitmap, canvas and paint.</summary>
    public void Dispose()
    {
        _canvas.Dispose();
        _paint.Dispose();
        _target.Dispose();
    }

    /// <summary>
    /// Where a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> picture lies once fitted whole into a
    /// <paramref name="size"/>×<paramref name="size"/> square (<see cref="PixelResizing.WholePicture"/>; the whole
    /// square for an S×S source): the drawn rectangle, at least one pixel wide and high (a picture thinner than a
    /// pixel at this scale is drawn as nothing by ML.NET and then has only that pixel of content, black).
    /// </summary>
    public static SKRectI Content(int sourceWidth, int sourceHeight, int size)
    {
        if (sourceWidth == size && sourceHeight == size)
            return new SKRectI(0, 0, size, size);
        var drawn = Destination(sourceWidth, sourceHeight, size, size, PixelResizing.WholePicture);
        int left = (int)drawn.Left, top = (int)drawn.Top;
        return new SKRectI(left, top, Math.Max((int)drawn.Right, left + 1), Math.Max((int)drawn.Bottom, top + 1));
    }

    /// <summary>
    /// The rectangle the source is drawn into, computed as ML.NET's centred iso resize does: single-precision aspect
    /// (the larger of the two for a crop, the smaller for a fit), offsets and sizes truncated to int.
    /// </summary>
    internal static SKRect Destination(int sourceWidth, int sourceHeight, int width, int height, PixelResizing resizing = PixelResizing.CentreCrop)
    {
        float widthAspect = (float)width / sourceWidth;
        float heightAspect = (float)height / sourceHeight;
        bool offsetAlongX = resizing switch
        {
            // The crop scales by the larger aspect and the fit by the smaller; the other axis is centred (overflowing or padded).
            PixelResizing.CentreCrop => !(heightAspect < widthAspect),
            PixelResizing.WholePicture => heightAspect < widthAspect,
            _ => throw new ArgumentOutOfRangeException(nameof(resizing), resizing, "Unknown resizing."),
        };
        float aspect = offsetAlongX ? heightAspect : widthAspect;
        int x = offsetAlongX ? (int)((width - (sourceWidth * aspect)) / 2) : 0;
        int y = offsetAlongX ? 0 : (int)((height - (sourceHeight * aspect)) / 2);
        int drawnWidth = (int)(sourceWidth * aspect);
        int drawnHeight = (int)(sourceHeight * aspect);
        return new SKRect(x, y, x + drawnWidth, y + drawnHeight);
    }
}
