using SkiaSharp;

namespace ByolBenchmarks;

/// <summary>
/// The benchmarks' folder of real photos, made from Debian's gnome-backgrounds (<c>/usr/share/backgrounds/gnome/*.webp</c>,
/// 4096×4096): the WebP files as shipped, and each one cropped to several sizes and aspect ratios and rewritten as JPEG
/// and PNG (16 × 7 = 112 files, about 95 MB). Nothing is written into the repository. Linked into each benchmark project
/// that reads it with <c>&lt;Compile Include="../Shared/PhotoFolder.cs" /&gt;</c>.
/// </summary>
public static class PhotoFolder
{
    /// <summary>Where the WebP backgrounds are installed (<c>apt-get install gnome-backgrounds</c>).</summary>
    public const string Backgrounds = "/usr/share/backgrounds/gnome";

    // (width, height, format): landscape, portrait, square and panorama shapes, small to large.
    private static readonly (int W, int H, SKEncodedImageFormat Format)[] Variants =
    {
        (1920, 1080, SKEncodedImageFormat.Jpeg), (800, 1200, SKEncodedImageFormat.Jpeg), (3000, 2000, SKEncodedImageFormat.Jpeg),
        (640, 480, SKEncodedImageFormat.Png), (1024, 1024, SKEncodedImageFormat.Png), (2400, 800, SKEncodedImageFormat.Png),
    };

    /// <summary>The default folder: <c>/tmp/byol-cache-photos</c> (the name CacheBench gave it first).</summary>
    public static string DefaultFolder => Path.Combine(Path.GetTempPath(), "byol-cache-photos");

    /// <summary>Makes <paramref name="folder"/> from the backgrounds when it is missing or empty; returns the folder.</summary>
    public static string EnsureMade(string folder)
    {
        if (!Directory.Exists(folder) || Directory.GetFiles(folder).Length == 0)
            Make(Backgrounds, folder);
        return folder;
    }

    /// <summary>Writes the WebP files of <paramref name="source"/> and their JPEG and PNG variants into <paramref name="folder"/>.</summary>
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

    /// <summary>The image files of a folder (JPEG, PNG, WebP), sorted by name.</summary>
    public static List<string> Files(string folder) => Directory.GetFiles(folder)
        .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp")
        .Order(StringComparer.Ordinal).ToList();
}
