using ByolFashionMnist;

namespace FashionMnistQuality;

/// <summary>One split of Fashion-MNIST: grey pixels in [0, 1] (row-major 28×28 per image) and class indices.</summary>
internal sealed class FashionMnistSplit
{
    private FashionMnistSplit(List<PixelRow> rows)
    {
        Rows = rows;
        Labels = rows.Select(r => Array.IndexOf(FashionMnist.ClassNames, r.Label)).ToArray();
    }

    /// <summary>The rows as the ML.NET data view takes them (Image [1, 28, 28], Label).</summary>
    public List<PixelRow> Rows { get; }

    /// <summary>Class index per image.</summary>
    public int[] Labels { get; }

    public int Count => Rows.Count;

    public static FashionMnistSplit Load(string folder, string split, int? limit) => new(FashionMnist.Load(folder, split, limit));

    /// <summary>Planar RGB [count, 3, 28, 28]: the grey plane three times, as the trainer and the transformer see it.</summary>
    public float[] PlanarRgb() => _planarRgb ??= MakePlanarRgb();

    private float[]? _planarRgb;

    private float[] MakePlanarRgb()
    {
        const int plane = 28 * 28;
        var pixels = new float[Count * 3 * plane];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < 3; c++)
                Rows[i].Image.CopyTo(pixels, (i * 3 + c) * plane);
        }
        return pixels;
    }
}
