using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using SkiaSharp;

namespace Microsoft.ML.Byol.Data;

/// <summary>
/// One thread's file → cache row chain for <see cref="ParallelFileCacheFiller"/>: with no whole-image side, the scoring
/// view (<see cref="ImageWorkspace"/>: ML.NET's iso-crop at the training size); with one, the whole picture fitted into
/// that square and padded (<see cref="IsoResizer"/>, as ML.NET's <c>ResizeImages(IsoPad)</c>), and its content
/// box. Either way the bytes equal those of ML.NET's chain for the same layout. Not thread-safe: one per thread.
/// </summary>
internal sealed class CacheFileDecoder : IDisposable
{
    private readonly ImageWorkspace? _scoringView;
    private readonly ImageFileDecoder? _decoder;
    private readonly IsoResizer? _fitter;
    private readonly int _side;

    /// <param name="decoding">What the cache holds and how its files are decoded.</param>
    public CacheFileDecoder(CacheDecoding decoding)
    {
        if (decoding.WholeImageSide is { } side)
        {
            _side = side;
            _decoder = new ImageFileDecoder(decoding.MaxImagePixels, decoding.ReducedDecoding ? ImageWorkspace.ReducedDecodingFactor * side : 0);
            _fitter = new IsoResizer(side, PixelResizing.WholePicture);
        }
        else
        {
            _side = decoding.ImageSize;
            _scoringView = new ImageWorkspace(decoding.ImageSize, decoding.MaxImagePixels, decoding.ReducedDecoding);
        }
    }

    /// <summary>Decodes one file into its 3×S×S planar bytes and returns where its picture lies.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file cannot be decoded, or is larger than the limit.</exception>
    public CropBox WriteFile(string path, Span<byte> destination)
    {
        if (_scoringView is not null)
        {
            _scoringView.WriteFile(path, destination);
            return CropBox.Whole(_side, _side);
        }

        var source = _decoder!.Decode(path);
        var content = IsoResizer.Content(source.Width, source.Height, _side);
        SKBitmap fitted = _fitter!.Resize(source);
        PlanarRgbWriter.Write(fitted.GetPixelSpan(), ImageWorkspace.FormatOf(fitted), _side, _side, destination);
        return new CropBox(content.Top, content.Left, content.Height, content.Width);
    }

    /// <summary>Releases the bitmaps.</summary>
    public void Dispose()
    {
        _scoringView?.Dispose();
        _decoder?.Dispose();
        _fitter?.Dispose();
    }
}
