using SkiaSharp;

namespace Microsoft.ML.Byol.Input;

/// <summary>
/// The direct equivalent of <see cref="PixelChain"/>'s ResizeImages (<see cref="PixelResizing.CentreCrop"/>): resizes
/// a bitmap to S×S the way ML.NET 5's <c>ResizeImages(S, S, IsoCrop, Center)</c> does (through
/// <c>MLImage.CloneWithResizing</c>): the scale is the larger of S/width and S/height, the scaled image is centred
/// with the offset and size truncated to whole pixels in single precision, and SkiaSharp draws the whole source into
/// that rectangle of an opaque platform-colour (BGRA on little-endian Linux) S×S bitmap, zero where nothing is drawn,
/// with high filter quality. Images already S×S are not resized (ML.NET hands them on unchanged). The target bitmap,
/// canvas and paint are kept and reused. Not thread-safe: one resizer per thread.
/// </summary>
internal sealed class IsoCropResizer : IDisposable
{
    private readonly SKBitmap _target;
    private readonly SKCanvas _canvas;
    private readonly SKPaint _paint = new() { FilterQuality = SKFilterQuality.High };

    public IsoCropResizer(int size)
    {
        Size = size;
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
        _canvas.DrawBitmap(source, new SKRect(0, 0, source.Width, source.Height), Destination(source.Width, source.Height, Size, Size), _paint);
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
    /// The rectangle the source is drawn into, computed as ML.NET's centre-anchored iso crop does (single-precision
    /// aspect, truncation to int of offsets and sizes).
    /// </summary>
    internal static SKRect Destination(int sourceWidth, int sourceHeight, int width, int height)
    {
        float widthAspect = (float)width / sourceWidth;
        float heightAspect = (float)height / sourceHeight;
        int x = 0, y = 0;
        float aspect;
        if (heightAspect < widthAspect)
        {
            aspect = widthAspect;
            y = (int)((height - (sourceHeight * aspect)) / 2);
        }
        else
        {
            aspect = heightAspect;
            x = (int)((width - (sourceWidth * aspect)) / 2);
        }

        int drawnWidth = (int)(sourceWidth * aspect);
        int drawnHeight = (int)(sourceHeight * aspect);
        return new SKRect(x, y, x + drawnWidth, y + drawnHeight);
    }
}
