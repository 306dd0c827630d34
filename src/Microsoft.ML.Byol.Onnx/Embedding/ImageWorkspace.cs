using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;
using SkiaSharp;

namespace Microsoft.ML.Byol.Embedding;

/// <summary>
/// One thread's reusable decode → resize → pixels chain, equal to ML.NET's <c>LoadImages</c> → <c>ResizeImages</c>
/// (iso crop, centre) → <c>ExtractPixels</c> (planar RGB, ×1/255) of <see cref="ByolTransformer"/>'s chain, without
/// an ML.NET view: <see cref="ImageFileDecoder"/>, <see cref="IsoResizer"/>, <see cref="PlanarRgbWriter"/>.
/// Its bitmaps are reused from image to image. Not thread-safe: rent one per thread from a <see cref="WorkspacePool"/>.
/// </summary>
internal sealed class ImageWorkspace : IDisposable
{
    private readonly ImageFileDecoder _decoder;
    private readonly IsoResizer _resizer;

    /// <param name="imageSize">The side S of the encoder's square input.</param>
    /// <param name="maxPixels">Largest image decoded, in pixels (checked on the file's header, before decoding).</param>
    /// <param name="reducedDecoding">Decode JPEG and WebP files at a reduced size that keeps a short side of at least
    /// <see cref="ReducedDecodingFactor"/> × S (<see cref="ByolEmbedderOptions.ReducedSizeDecoding"/>).</param>
    public ImageWorkspace(int imageSize, long maxPixels = ImageLimits.DefaultMaxPixels, bool reducedDecoding = false)
    {
        _decoder = new ImageFileDecoder(maxPixels, reducedDecoding ? ReducedDecodingFactor * imageSize : 0);
        _resizer = new IsoResizer(imageSize);
    }

    /// <summary>A reduced decode keeps the short side at least this many times the encoder's input side, so the resize
    /// after it still reduces by 2× or more.</summary>
    public const int ReducedDecodingFactor = 2;

    /// <summary>The side S of the encoder's square input.</summary>
    public int ImageSize => _resizer.Size;

    /// <summary>Decodes, resizes and writes one file's 3×S×S pixels.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded, or is larger than the limit.</exception>
    public void WriteFile(string path, Span<float> destination)
    {
        var resized = _resizer.Resize(_decoder.Decode(path));
        PlanarRgbWriter.Write(resized.GetPixelSpan(), FormatOf(resized), ImageSize, ImageSize, destination);
    }

    /// <summary>Decodes, resizes and writes one file's 3×S×S pixels as bytes (the training cache's planar uint8).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded, or is larger than the limit.</exception>
    public void WriteFile(string path, Span<byte> destination)
    {
        var resized = _resizer.Resize(_decoder.Decode(path));
        PlanarRgbWriter.Write(resized.GetPixelSpan(), FormatOf(resized), ImageSize, ImageSize, destination);
    }

    /// <summary>Decodes, resizes and writes the 3×S×S pixels of an image held in a stream (named <paramref name="key"/> in errors).</summary>
    /// <exception cref="InvalidDataException">The stream cannot be decoded, or is larger than the limit.</exception>
    public void WriteStream(Stream stream, string key, Span<float> destination)
    {
        var resized = _resizer.Resize(_decoder.Decode(stream, key));
        PlanarRgbWriter.Write(resized.GetPixelSpan(), FormatOf(resized), ImageSize, ImageSize, destination);
    }

    /// <summary>Writes the 3×S×S pixels of an image that is already S×S (ML.NET does not resize those).</summary>
    public void WriteSized(MLImage image, Span<float> destination) =>
        PlanarRgbWriter.Write(image.Pixels, image.PixelFormat, ImageSize, ImageSize, destination);

    /// <summary>Releases the bitmaps.</summary>
    public void Dispose()
    {
        _decoder.Dispose();
        _resizer.Dispose();
    }

    internal static MLPixelFormat FormatOf(SKBitmap bitmap) => bitmap.ColorType switch
    {
        SKColorType.Bgra8888 => MLPixelFormat.Bgra32,
        SKColorType.Rgba8888 => MLPixelFormat.Rgba32,
        _ => MLPixelFormat.Unknown,
    };
}
