using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Byol.Data;
using SkiaSharp;

// Times the training image cache on a folder of real photos, serial (ML.NET's LoadImages → ResizeImages →
// ExtractPixels on one cursor) against parallel (the direct decoder on every core), alternately in one run, and checks
// that both give the same bytes. Each pass reports its process CPU time too: on a shared machine the cores busy
// (CPU / wall) show how much of the parallelism the pass could get. Without a folder it makes one in /tmp from Debian's gnome-backgrounds
// (/usr/share/backgrounds/gnome/*.webp, 4096×4096): the WebP files as they are, plus each cropped/resized and
// rewritten as JPEG and PNG of several sizes and aspect ratios. Nothing is written into the repository. Usage:
//   dotnet run -c Release --project benchmarks/CacheBench -- [--folder /tmp/byol-cache-photos] [--size 224] [--rounds 2] [--workers N]
//       [--whole-scale 1.5]
// --whole-scale caches whole pictures, fitted into a square of that multiple of --size and padded, as training does
// (ByolOptions.SourceImageScale); without it the cache holds the scoring view (centre crop at --size).
var arguments = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
string Arg(string name, string fallback) => arguments.TryGetValue(name, out var v) ? v : fallback;
string folder = Arg("folder", Path.Combine(Path.GetTempPath(), "byol-cache-photos"));
int size = int.Parse(Arg("size", "224"), CultureInfo.InvariantCulture);
int rounds = int.Parse(Arg("rounds", "2"), CultureInfo.InvariantCulture);
int? workers = arguments.TryGetValue("workers", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : null;
int? wholeSide = arguments.TryGetValue("whole-scale", out var ws) ? (int)Math.Round(double.Parse(ws, CultureInfo.InvariantCulture) * size, MidpointRounding.AwayFromZero) : null;

if (!Directory.Exists(folder) || Directory.GetFiles(folder).Length == 0)
    PhotoFolder.Make("/usr/share/backgrounds/gnome", folder);
var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
long totalBytes = files.Sum(f => new FileInfo(Path.Combine(folder, f!)).Length);
Console.WriteLine($"{files.Count} files in {folder} ({totalBytes / 1048576.0:F0} MB): " +
    string.Join(", ", files.GroupBy(f => Path.GetExtension(f)).Select(g => $"{g.Count()} {g.Key}")));
Console.WriteLine($"cache side {wholeSide ?? size}{(wholeSide is null ? " (centre crop)" : " (whole pictures, padded)")}, processors {Environment.ProcessorCount}, parallel workers {workers?.ToString(CultureInfo.InvariantCulture) ?? "auto"}");

var ml = new MLContext(1);
var rows = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f! }).ToList());
var data = ml.Transforms.LoadImages("Image", folder, "Path").Fit(rows).Transform(rows);
byte[]? reference = null;
var rates = new Dictionary<bool, List<double>> { [false] = new(), [true] = new() };
for (int round = 0; round < rounds; round++)
{
    foreach (bool parallel in new[] { false, true })
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using var store = ImageCacheBuilder.Build(ml.Transforms, data, "Image", size, long.MaxValue, null, CancellationToken.None,
            parallelFiles: parallel, workers: workers, wholeImageSide: wholeSide);
        double seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        using var all = store.Gather(Enumerable.Range(0, store.Count).Select(i => (long)i).ToArray());
        var bytes = all.bytes.ToArray();
        reference ??= bytes;
        bool same = bytes.AsSpan().SequenceEqual(reference);
        rates[parallel].Add(store.Count / seconds);
        Console.WriteLine($"round {round + 1} {(parallel ? "parallel" : "serial  ")}: {store.Count} rows in {seconds:F2} s = {store.Count / seconds:F2} rows/s, CPU {cpu:F2} s ({cpu / seconds:F2} cores busy); bytes equal to the first pass: {same}");
        if (!same)
            return 1;
    }
}
double serialBest = rates[false].Max(), parallelBest = rates[true].Max();
Console.WriteLine($"best: serial {serialBest:F2} rows/s, parallel {parallelBest:F2} rows/s, ratio {parallelBest / serialBest:F2}×");
return 0;

internal sealed class PathRow
{
    public string Path { get; set; } = "";
}

/// <summary>Makes the benchmark's photo folder from the WebP backgrounds.</summary>
internal static class PhotoFolder
{
    // (width, height, format): landscape, portrait, square and panorama shapes, small to large.
    private static readonly (int W, int H, SKEncodedImageFormat Format)[] Variants =
    {
        (1920, 1080, SKEncodedImageFormat.Jpeg), (800, 1200, SKEncodedImageFormat.Jpeg), (3000, 2000, SKEncodedImageFormat.Jpeg),
        (640, 480, SKEncodedImageFormat.Png), (1024, 1024, SKEncodedImageFormat.Png), (2400, 800, SKEncodedImageFormat.Png),
    };

    public static void Make(string source, string folder)
    {
        Directory.CreateDirectory(folder);
        var webps = Directory.GetFiles(source, "*.webp").Order(StringComparer.Ordinal).ToList();
        if (webps.Count == 0)
            throw new FileNotFoundException($"No WebP files in {source}: apt-get install gnome-backgrounds.");
        foreach (var webp in webps)
        {
            string name = Path.GetFileNameWithoutExtension(webp);
            File.Copy(webp, Path.Combine(folder, name + ".webp"), overwrite: true);
            using var original = SKBitmap.Decode(webp);
            foreach (var (width, height, format) in Variants)
            {
                using var target = new SKBitmap(width, height);
                using (var canvas = new SKCanvas(target))
                {
                    // Cover: crop the centre of the square original to the target's aspect ratio.
                    float scale = Math.Max((float)width / original.Width, (float)height / original.Height);
                    float w = original.Width * scale, h = original.Height * scale;
                    using var paint = new SKPaint { FilterQuality = SKFilterQuality.High };
                    canvas.DrawBitmap(original, new SKRect((width - w) / 2, (height - h) / 2, (width + w) / 2, (height + h) / 2), paint);
                }
                using var image = SKImage.FromBitmap(target);
                using var encoded = image.Encode(format, 90);
                string extension = format == SKEncodedImageFormat.Png ? "png" : "jpg";
                File.WriteAllBytes(Path.Combine(folder, $"{name}-{width}x{height}.{extension}"), encoded.ToArray());
            }
        }
    }
}
