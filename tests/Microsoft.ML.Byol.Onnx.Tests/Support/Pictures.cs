using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>
/// Test pictures built in memory. ML.NET's image transforms dispose the images they read (and ResizeImages hands on
/// an image already of the target size), so every call makes fresh images, and sizes differ from the encoder's.
/// </summary>
internal static class Pictures
{
    public sealed class ImageRow
    {
        // ImageTypeAttribute() would register ImageDataViewType(0, 0), which ML.NET 5 rejects; the declared size is
        // not checked by ResizeImages, so images of any size pass.
        [ImageType(1, 1)]
        public MLImage? Image { get; set; }
    }

    public sealed class EmbeddingRow
    {
        [VectorType(64)]
        public float[] Embedding { get; set; } = Array.Empty<float>();
    }

    /// <summary>Noise over a gradient, of assorted sizes (none 32×32), deterministic in <paramref name="seed"/>.</summary>
    public static MLImage[] Create(int count, int seed = 1)
    {
        var sizes = new (int W, int H)[] { (40, 36), (48, 64), (33, 45), (70, 50) };
        return Enumerable.Range(0, count).Select(i =>
        {
            var (w, h) = sizes[i % sizes.Length];
            var random = new Random(seed * 1000 + i);
            var bytes = new byte[w * h * 4];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int p = (y * w + x) * 4;
                    bytes[p] = (byte)((x * 255 / w + random.Next(64)) % 256);
                    bytes[p + 1] = (byte)((y * 255 / h + random.Next(64)) % 256);
                    bytes[p + 2] = (byte)random.Next(256);
                    bytes[p + 3] = 255;
                }
            }

            return MLImage.CreateFromPixels(w, h, MLPixelFormat.Rgba32, bytes);
        }).ToArray();
    }

    public static IDataView View(MLContext ml, IEnumerable<MLImage> images, string column = "Image")
    {
        var rows = images.Select(i => new ImageRow { Image = i }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        return column == "Image" ? view : ml.Transforms.CopyColumns(column, "Image").Fit(view).Transform(view);
    }

    /// <summary>The contract's ML.NET chain (ResizeImages, iso crop, centre → ExtractPixels, planar RGB bytes), scaled to [0, 1].</summary>
    public static float[][] Pixels(MLContext ml, MLImage[] images, int size = TestEncoder.ImageSize)
    {
        var data = View(ml, images);
        var view = PixelChain.Create(ml.Transforms, "P", "R", "Image", size, PixelValues.Bytes)
            .Fit(data).Transform(data);
        return view.GetColumn<VBuffer<byte>>("P").Select(v => v.DenseValues().Select(b => b / 255f).ToArray()).ToArray();
    }

    /// <summary>Reads a float-vector column, one array per row.</summary>
    public static float[][] Column(IDataView view, string column) =>
        view.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
}
