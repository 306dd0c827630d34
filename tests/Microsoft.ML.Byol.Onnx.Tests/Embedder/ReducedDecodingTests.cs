using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using SkiaSharp;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// <see cref="ByolEmbedderOptions.ReducedSizeDecoding"/>: JPEGs decode at the smallest DCT scale that keeps twice the
/// encoder's input side, PNGs at full size; the pixels that reach the encoder stay close to the full decode's, and
/// the option is off by default (the transformer's pixels exactly).
/// </summary>
public sealed class ReducedDecodingTests : IDisposable
{
    private const int Width = 1600, Height = 1200;   // a 2 MP "photo"
    private readonly EmbedderFiles _files = new("byol-reduced-decoding-");
    private readonly string _jpeg, _png;

    public ReducedDecodingTests()
    {
        using var bitmap = PhotoFiles.Smooth(Width, Height);
        _jpeg = _files.Write("photo.jpg", PhotoFiles.Encode(bitmap, SKEncodedImageFormat.Jpeg, quality: 92));
        _png = _files.Write("photo.png", PhotoFiles.Encode(bitmap, SKEncodedImageFormat.Png));
    }

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(0, Width, Height)]      // off: full size
    [InlineData(64, 200, 150)]          // 1/8 keeps a short side of 150 ≥ 64
    [InlineData(200, 400, 300)]         // 1/8 would give 150 < 200: 1/4
    [InlineData(500, 800, 600)]         // 1/2
    [InlineData(700, Width, Height)]    // no reduced size keeps 700: the full picture
    public void AJpeg_DecodesAtTheSmallestScaleThatKeepsTheShortSide(int shortSide, int width, int height)
    {
        using var decoder = new ImageFileDecoder(reducedShortSide: shortSide);
        var bitmap = decoder.Decode(_jpeg);
        (bitmap.Width, bitmap.Height).Should().Be((width, height));
    }

    [Fact]
    public void APng_DecodesAtFullSize_WhateverTheOption()
    {
        using var decoder = new ImageFileDecoder(reducedShortSide: 64);
        var bitmap = decoder.Decode(_png);
        (bitmap.Width, bitmap.Height).Should().Be((Width, Height));
    }

    [Fact]
    public void TheEncodersPixels_StayCloseToTheFullDecodes()
    {
        int plane = 3 * TestEncoder.ImageSize * TestEncoder.ImageSize;
        var full = new float[plane];
        var reduced = new float[plane];
        using (var workspace = new ImageWorkspace(TestEncoder.ImageSize))
            workspace.WriteFile(_jpeg, full);
        using (var workspace = new ImageWorkspace(TestEncoder.ImageSize, reducedDecoding: true))
            workspace.WriteFile(_jpeg, reduced);

        var difference = full.Zip(reduced, (a, b) => Math.Abs(a - b)).ToArray();
        difference.Average().Should().BeLessThan(0.01f, "a smooth picture reduced by the DCT is the same picture");
        difference.Max().Should().BeLessThan(0.1f);
        difference.Max().Should().BeGreaterThan(0, "the reduced decode is not the full one");
    }

    [Fact]
    public void TheEmbedder_UsesTheOption_OnlyWhenSet()
    {
        using var plain = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 2, IntraOpThreads = 1 });
        using var reduced = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 2, IntraOpThreads = 1, ReducedSizeDecoding = true });
        var paths = new[] { _jpeg, _png };
        var a = plain.EmbedFiles(paths);
        var b = reduced.EmbedFiles(paths);

        b[1].Should().Equal(a[1], "a PNG decodes at full size either way");
        b[0].Should().NotEqual(a[0], "the JPEG was decoded at a reduced size");
        double cosine = a[0].Zip(b[0], (x, y) => (double)x * y).Sum() /
            Math.Sqrt(a[0].Sum(x => (double)x * x) * b[0].Sum(y => (double)y * y));
        (1 - cosine).Should().BeLessThan(0.01, "the encoder sees nearly the same picture");
        new ByolEmbedderOptions().ReducedSizeDecoding.Should().BeFalse("the default keeps the transformer's pixels");
    }
}
