using Microsoft.ML.Byol.Embedding;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Byol.Onnx.Tests.Embedder;
using Microsoft.ML.Data;
using SkiaSharp;

namespace Microsoft.ML.Byol.Onnx.Tests.Input;

/// <summary>
/// The input contract's one parity test: the direct path (<see cref="ImageWorkspace"/>: decode →
/// <see cref="IsoResizer"/> → <see cref="PlanarRgbWriter"/>), used by the embedder and the training cache, gives,
/// bit for bit, what ML.NET's LoadImages → <see cref="PixelChain"/> gives for the same files: the encoder's floats
/// (×1/255) and the training cache's bytes.
/// </summary>
public sealed class DirectPathParityTests : IDisposable
{
    private const int Size = 32;
    private readonly MLContext _ml = new(seed: 1);
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    [Fact]
    public void OddSizedColourPngs_AreBitIdenticalToMLNet()
    {
        // Shrunk and enlarged, landscape and portrait, one already S×S; two of each size in a row (bitmap reuse).
        var sizes = new (int W, int H)[] { (40, 36), (40, 36), (33, 45), (33, 45), (70, 50), (17, 91), (7, 5), (32, 32), (32, 32), (31, 33), (97, 32) };
        var paths = sizes.Select((s, i) => Save(Colour(s.W, s.H, seed: i), SKEncodedImageFormat.Png, $"colour-{i}.png")).ToArray();

        AssertIdentical(paths);
    }

    [Fact]
    public void PngWithTransparency_IsBitIdenticalToMLNet()
    {
        var paths = new (int W, int H)[] { (45, 29), (32, 32) }.Select((s, i) => Save(Colour(s.W, s.H, seed: 50 + i, alpha: true), SKEncodedImageFormat.Png, $"alpha-{i}.png")).ToArray();

        AssertIdentical(paths);
    }

    [Fact]
    public void GreyPngs_AreBitIdenticalToMLNet()
    {
        var paths = new (int W, int H)[] { (41, 27), (41, 27), (32, 32), (19, 60) }.Select((s, i) => Save(Grey(s.W, s.H, seed: 10 + i), SKEncodedImageFormat.Png, $"grey-{i}.png")).ToArray();
        using (var codec = SKCodec.Create(paths[0]))
        {
            codec.Info.ColorType.Should().Be(SKColorType.Gray8, "the file must really be a grey PNG");
        }

        AssertIdentical(paths);
    }

    [Fact]
    public void Jpegs_ColourAndGrey_AreBitIdenticalToMLNet()
    {
        var paths = new[]
        {
            Save(Colour(57, 43, seed: 20), SKEncodedImageFormat.Jpeg, "colour-0.jpg"),
            Save(Colour(57, 43, seed: 21), SKEncodedImageFormat.Jpeg, "colour-1.jpg"),
            Save(Colour(32, 32, seed: 22), SKEncodedImageFormat.Jpeg, "colour-2.jpeg"),
            Save(Grey(23, 51, seed: 23), SKEncodedImageFormat.Jpeg, "grey.jpg"),
        };

        AssertIdentical(paths);
    }

    [Fact]
    public void Destination_IsMLNetsCentredIsoCrop()
    {
        IsoResizer.Destination(64, 32, 32, 32).Should().Be(new SKRect(-16, 0, 48, 32));
        IsoResizer.Destination(32, 64, 32, 32).Should().Be(new SKRect(0, -16, 32, 48));
        IsoResizer.Destination(16, 16, 32, 32).Should().Be(new SKRect(0, 0, 32, 32));
    }

    private void AssertIdentical(string[] paths)
    {
        var expectedFloats = MLNetPixels<float>(paths, PixelValues.UnitFloats);
        var expectedBytes = MLNetPixels<byte>(paths, PixelValues.Bytes);
        using var workspace = new ImageWorkspace(Size);
        for (int i = 0; i < paths.Length; i++)
        {
            var floats = new float[3 * Size * Size];
            var bytes = new byte[3 * Size * Size];
            workspace.WriteFile(paths[i], floats);
            workspace.WriteFile(paths[i], bytes);
            floats.Should().Equal(expectedFloats[i], $"{Path.GetFileName(paths[i])} must give ML.NET's pixels exactly");
            bytes.Should().Equal(expectedBytes[i], $"{Path.GetFileName(paths[i])} must give ML.NET's bytes exactly (the training cache)");
        }
    }

    /// <summary>The pixels of the contract's ML.NET chain, from the files through LoadImages.</summary>
    private T[][] MLNetPixels<T>(string[] paths, PixelValues values)
    {
        var rows = _ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { Path = p }).ToList());
        var view = _ml.Transforms.LoadImages("Image", null, "Path")
            .Append(PixelChain.Create(_ml.Transforms, "Pixels", "Resized", "Image", Size, values))
            .Fit(rows).Transform(rows);
        return view.GetColumn<VBuffer<T>>("Pixels").Select(v => v.DenseValues().ToArray()).ToArray();
    }

    private string Save(SKBitmap bitmap, SKEncodedImageFormat format, string name)
    {
        using (bitmap)
        using (var data = bitmap.Encode(format, 90))
        {
            return _files.Write(name, data.ToArray());
        }
    }

    /// <summary>A gradient with noise (RGBA; partly transparent when asked).</summary>
    private static SKBitmap Colour(int width, int height, int seed, bool alpha = false)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha ? SKAlphaType.Unpremul : SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)((x * 255 / width + random.Next(64)) % 256), (byte)((y * 255 / height + random.Next(64)) % 256),
                    (byte)random.Next(256), alpha ? (byte)random.Next(256) : (byte)255));
            }
        }

        return bitmap;
    }

    /// <summary>An 8-bit grey image (encoded as a grey PNG or JPEG).</summary>
    private static SKBitmap Grey(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = new byte[width * height];
        for (int p = 0; p < pixels.Length; p++)
        {
            pixels[p] = (byte)((p % width * 255 / width + random.Next(80)) % 256);
        }

        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }
}
