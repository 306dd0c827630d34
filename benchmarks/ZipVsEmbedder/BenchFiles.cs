using ByolBenchmarks;
using ByolFashionMnist;
using Microsoft.ML.Data;

namespace ZipVsEmbedder;

/// <summary>The image files of a run: the real-photo folder, or Fashion-MNIST test images written as PNG files.</summary>
internal static class BenchFiles
{
    /// <summary>The files to embed in every pass (a photo may repeat), and a sentence describing them; null when the data is missing.</summary>
    public static (List<string> Paths, string Description)? Make(ZipVsEmbedderSettings s, string workFolder)
    {
        if (s.Files == "photos")
        {
            var photos = PhotoFolder.Files(PhotoFolder.EnsureMade(s.Folder));
            int count = s.Images ?? photos.Count;
            var paths = Enumerable.Range(0, count).Select(i => photos[i % photos.Count]).ToList();
            long bytes = photos.Sum(f => new FileInfo(f).Length);
            string kinds = string.Join(", ", photos.GroupBy(f => Path.GetExtension(f).ToLowerInvariant()).Select(g => $"{g.Count()} {g.Key}"));
            return (paths, $"{count} reads of {photos.Count} photos in {s.Folder} ({bytes / 1048576.0:F0} MB: {kinds})");
        }

        if (!FashionMnist.IsPresent(s.FashionMnist))
        {
            Console.Error.WriteLine($"Fashion-MNIST is not in {s.FashionMnist} (apt-get install dataset-fashion-mnist).");
            return null;
        }

        int images = s.Images ?? 2000;
        var written = new List<string>();
        foreach (var (row, i) in FashionMnist.Load(s.FashionMnist, "test", images).Select((r, i) => (r, i)))
        {
            var rgba = new byte[28 * 28 * 4];
            for (int p = 0; p < 784; p++)
            {
                byte v = (byte)Math.Round(row.Image[p] * 255);
                (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = (v, v, v, 255);
            }

            string path = Path.Combine(workFolder, $"{i:D5}.png");
            using (var image = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Rgba32, rgba))
                image.Save(path);
            written.Add(path);
        }

        return (written, $"{written.Count} Fashion-MNIST test images as 28 px grey PNG files");
    }

    /// <summary><paramref name="count"/> distinct files taken evenly from <paramref name="paths"/> (in order).</summary>
    public static List<string> Sample(IReadOnlyList<string> paths, int count)
    {
        var distinct = paths.Distinct().ToList();
        int n = Math.Min(count, distinct.Count);
        return Enumerable.Range(0, n).Select(i => distinct[(int)((long)i * distinct.Count / n)]).ToList();
    }
}
