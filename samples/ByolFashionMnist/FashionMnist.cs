using System.Buffers.Binary;
using System.IO.Compression;

namespace ByolFashionMnist;

/// <summary>Reads the Fashion-MNIST IDX files (gzip) that Debian's <c>dataset-fashion-mnist</c> package installs.</summary>
internal static class FashionMnist
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    public static readonly string[] ClassNames =
        { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    /// <summary>One split as rows of 28×28 grey pixels in [0, 1] (a known-size vector [1, 28, 28]) and class names.</summary>
    public static List<PixelRow> Load(string folder, string split, int? limit)
    {
        string prefix = split == "train" ? "train" : "t10k";
        var images = ReadIdx(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), 2051, out int count, out int[] dims);
        var labels = ReadIdx(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), 2049, out int labelCount, out _);
        if (labelCount != count || dims.Length != 2 || dims[0] != 28 || dims[1] != 28)
            throw new InvalidDataException($"Unexpected Fashion-MNIST files in {folder}.");
        int n = Math.Min(count, limit ?? count);
        var rows = new List<PixelRow>(n);
        for (int i = 0; i < n; i++)
        {
            var pixels = new float[28 * 28];
            for (int p = 0; p < pixels.Length; p++)
                pixels[p] = images[i * 784 + p] / 255f;
            rows.Add(new PixelRow { Image = pixels, Label = ClassNames[labels[i]] });
        }
        return rows;
    }

    /// <summary>Whether the four files are in <paramref name="folder"/>.</summary>
    public static bool IsPresent(string folder)
        => new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }
            .All(f => File.Exists(Path.Combine(folder, f)));

    private static byte[] ReadIdx(string path, int magic, out int count, out int[] dims)
    {
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        if (BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
            throw new InvalidDataException($"{path} is not an IDX file of the expected kind.");
        int rank = magic & 0xff;
        count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        dims = new int[rank - 1];
        for (int d = 0; d < dims.Length; d++)
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8 + 4 * d));
        return bytes[(4 + 4 * rank)..];
    }
}
