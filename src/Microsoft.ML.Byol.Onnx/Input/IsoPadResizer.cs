using SkiaSharp;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// Fits a whole bitmap into an S×S square the way ML.NET 5's <c>ResizeImages(S, S, IsoPad)</c> does (through
/// <c>MLImage.CloneWithResizing</c>, always centred whatever the anchor): the scale is the smaller of S/width and
/// S/height, the scaled image is centred with its offset and size truncated to whole pixels in single precision, and
/// SkiaSharp draws the whole source into that rectangle of an opaque S×S bitmap, zero (black) elsewhere, with high
/// filter quality. Images already S×S are not resized (ML.NET hands them on unchanged). Used to cache training images
/// whole, at a source resolution above the training size; <see cref="Content"/> gives where the picture lies.
/// The target bitmap, canvas and paint are kept and reused. Not thread-safe: one resizer per thread.
/// </summary>
internal sealed class IsoPadResizer : IDisposable
{
    private readonly SKBitmap _target;
    private readonly SKCanvas _canvas;
    private readonly SKPaint _paint = new() { FilterQuality = SKFilterQuality.High };

    public IsoPadResizer(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        _target = new SKBitmap(size, size, isOpaque: true);
        _canvas = new SKCanvas(_target);
    }

    /// <summary>The side S of the square output.</summary>
    public int Size { get; }

    /// <summary>
    /// <paramref name="source"/> itself when it is already S×S, else the fitted image in a bitmap that belongs to
    /// this resizer and is valid until its next call.
    /// </summary>
    public SKBitmap Resize(SKBitmap source)
    {
        if (source.Width == Size && source.Height == Size)
            return source;
        unsafe
        {
            new Span<byte>((void*)_target.GetPixels(), _target.ByteCount).Clear();
        }

        _target.NotifyPixelsChanged();
        var drawn = Destination(source.Width, source.Height, Size);
        _canvas.DrawBitmap(source, new SKRect(0, 0, source.Width, source.Height), new SKRect(drawn.Left, drawn.Top, drawn.Right, drawn.Bottom), _paint);
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
    /// Where a <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> picture lies once fitted into a
    /// <paramref name="size"/>×<paramref name="size"/> square (the whole square for an S×S source): the drawn
    /// rectangle, at least one pixel wide and high (a picture thinner than a pixel at this scale is drawn as nothing by
    /// ML.NET and then has only that pixel of content, black).
    /// </summary>
    public static SKRectI Content(int sourceWidth, int sourceHeight, int size)
    {
        if (sourceWidth == size && sourceHeight == size)
            return new SKRectI(0, 0, size, size);
        var drawn = Destination(sourceWidth, sourceHeight, size);
        return new SKRectI(drawn.Left, drawn.Top, Math.Max(drawn.Right, drawn.Left + 1), Math.Max(drawn.Bottom, drawn.Top + 1));
    }

    /// <summary>
    /// The rectangle the source is drawn into, computed as ML.NET's iso-pad resize does (single-precision aspect,
    /// centred, truncation to int of offsets and sizes).
    /// </summary>
    private static SKRectI Destination(int sourceWidth, int sourceHeight, int size)
    {
        float widthAspect = (float)size / sourceWidth;
        float heightAspect = (float)size / sourceHeight;
        int x = 0, y = 0;
        float aspect;
        if (heightAspect < widthAspect)
        {
            aspect = heightAspect;
            x = (int)((size - (sourceWidth * aspect)) / 2);
        }
        else
        {
            aspect = widthAspect;
            y = (int)((size - (sourceHeight * aspect)) / 2);
        }

        return new SKRectI(x, y, x + (int)(sourceWidth * aspect), y + (int)(sourceHeight * aspect));
    }
}
