using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Tests.Data;

/// <summary>Small pictures and data views built in memory for the data tests.</summary>
internal static class TestImages
{
    public sealed class ImageRow
    {
        // ImageTypeAttribute() registers ImageDataViewType(0, 0), which ML.NET 5 rejects, and an ImageDataViewType()
        // column cannot be read from objects; the declared size is not checked by ResizeImages, so images of any size pass.
        [ImageType(1, 1)]
        public MLImage? Image { get; set; }
    }

    public sealed class PathRow
    {
        public string Path { get; set; } = "";
    }

    /// <summary>An RGBA image where <paramref name="colour"/> gives (r, g, b) of pixel (x, y).</summary>
    public static MLImage Create(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var bytes = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = colour(x, y);
                int i = (y * width + x) * 4;
                (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) = (r, g, b, 255);
            }
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, bytes);
    }

    public static MLImage Solid(int width, int height, byte r, byte g, byte b) => Create(width, height, (_, _) => (r, g, b));

    /// <summary>Left half red, right half blue.</summary>
    public static MLImage LeftRedRightBlue(int width, int height)
        => Create(width, height, (x, _) => x < width / 2 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255));

    public static MLImage Noise(int width, int height, int seed, bool grey = false)
    {
        var random = new Random(seed);
        return Create(width, height, (_, _) =>
        {
            byte v = (byte)random.Next(256);
            return grey ? (v, v, v) : (v, (byte)random.Next(256), (byte)random.Next(256));
        });
    }

    public static IDataView View(MLContext ml, IEnumerable<MLImage?> images)
        => ml.Data.LoadFromEnumerable(images.Select(i => new ImageRow { Image = i }).ToList());

    /// <summary>What the contract's ML.NET chain (ResizeImages, centre crop unless told → ExtractPixels) gives: planar R, G, B bytes per row.</summary>
    public static byte[][] MlNetPixels(MLContext ml, IDataView images, string column, int size, PixelResizing resizing = PixelResizing.CentreCrop)
    {
        var view = PixelChain.Create(ml.Transforms, "P", "R", column, size, PixelValues.Bytes, resizing)
            .Fit(images).Transform(images);
        return view.GetColumn<VBuffer<byte>>("P").Select(v => v.DenseValues().ToArray()).ToArray();
    }

    /// <summary>All images of <paramref name="store"/>, each as C×H×W bytes.</summary>
    public static byte[][] All(ImageStore store)
    {
        var indices = Enumerable.Range(0, store.Count).Select(i => (long)i).ToArray();
        using var batch = store.Gather(indices);
        batch.shape.Should().Equal(store.Count, store.Channels, store.Height, store.Width);
        var bytes = batch.bytes.ToArray();
        int size = (int)store.ImageBytes;
        return Enumerable.Range(0, store.Count).Select(i => bytes.AsSpan(i * size, size).ToArray()).ToArray();
    }
}
