using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;
using SkiaSharp;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// A JPEG whose EXIF Orientation tag says "rotate 90° clockwise" (6). ML.NET 5's LoadImages (MLImage.CreateFromFile,
/// SkiaSharp) does not apply the tag: the stored pixels are used as they are. The embedder's direct decoder must
/// (and does) do the same, so the embedder and the saved chain agree; the tag changes nothing.
/// </summary>
public sealed class ExifOrientationTests : IDisposable
{
    private const int Width = 40, Height = 24;
    private readonly MLContext _ml = new(seed: 1);
    private readonly EmbedderFiles _files = new();
    private readonly string _plain, _rotated;

    public ExifOrientationTests()
    {
        using var bitmap = PhotoFiles.Pattern(Width, Height, seed: 3);
        var jpeg = PhotoFiles.Encode(bitmap, SKEncodedImageFormat.Jpeg);
        _plain = _files.Write("plain.jpg", jpeg);
        _rotated = _files.Write("orientation-6.jpg", PhotoFiles.WithExifOrientation(jpeg, 6));
    }

    public void Dispose() => _files.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    private IDataView Load(params string[] paths)
    {
        var rows = _ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { Path = p }).ToList());
        return _ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
    }

    [Fact]
    public void TheTagIsThere_SkiaSharpReadsIt()
    {
        using var codec = SKCodec.Create(_rotated);
        codec.EncodedOrigin.Should().Be(SKEncodedOrigin.RightTop);
        codec.Info.Width.Should().Be(Width);
    }

    [Fact]
    public void LoadImages_IgnoresTheTag()
    {
        var view = Load(_plain, _rotated);
        var images = new List<(int Width, int Height, byte[] Pixels)>();
        using (var cursor = view.GetRowCursor(new[] { view.Schema["Image"] }))
        {
            var getter = cursor.GetGetter<MLImage>(view.Schema["Image"]);
            MLImage image = null!;
            while (cursor.MoveNext())
            {
                getter(ref image);
                images.Add((image.Width, image.Height, image.Pixels.ToArray())); // read before the next row disposes it
            }
        }

        images.Select(i => (i.Width, i.Height)).Should().Equal((Width, Height), (Width, Height));
        images[1].Pixels.Should().Equal(images[0].Pixels, "ML.NET 5 does not apply EXIF orientation");
    }

    [Fact]
    public void DirectDecoder_GivesTheChainsPixels_TagIgnored()
    {
        var chain = PixelChain.Create(_ml.Transforms, "P", "R", "Image", TestEncoder.ImageSize, PixelValues.UnitFloats)
            .Fit(Load(_rotated)).Transform(Load(_plain, _rotated))
            .GetColumn<VBuffer<float>>("P").Select(v => v.DenseValues().ToArray()).ToArray();
        using var workspace = new ImageWorkspace(TestEncoder.ImageSize);
        var direct = new float[3 * TestEncoder.ImageSize * TestEncoder.ImageSize];

        workspace.WriteFile(_rotated, direct);

        direct.Should().Equal(chain[1]);
        chain[1].Should().Equal(chain[0]);
    }

    [Fact]
    public void Embedder_AgreesWithTheTransformer_OnATaggedJpeg()
    {
        using var byol = _ml.Transforms.ApplyByolEncoder(_files.EncoderPath);
        var expected = Pictures.Column(byol.Transform(Load(_plain, _rotated)), "Embedding");
        using var embedder = ByolEmbedder.Load(_files.EncoderPath);

        var actual = embedder.EmbedFiles(new[] { _plain, _rotated });

        EmbedderAssert.Close(actual, expected);
        EmbedderAssert.Identical(new[] { actual[1] }, new[] { actual[0] }, "the tag changes nothing");
    }
}
