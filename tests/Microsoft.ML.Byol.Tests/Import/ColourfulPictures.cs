using SkiaSharp;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>A few colourful, photo-like PNGs (sky gradient, sun, hills, texture), drawn with SkiaSharp from a seed.</summary>
internal static class ColourfulPictures
{
    public static IReadOnlyList<string> Write(string folder, int count)
    {
        var files = new List<string>();
        (int W, int H)[] sizes = { (320, 240), (224, 224), (256, 320), (300, 200) };
        for (int i = 0; i < count; i++)
        {
            var (w, h) = sizes[i % sizes.Length];
            string path = Path.Combine(folder, $"picture{i}.png");
            using (var bitmap = Draw(w, h, seed: 100 + i))
            using (var image = SKImage.FromBitmap(bitmap))
            using (var data = image.Encode(SKEncodedImageFormat.Png, 100))
            using (var file = File.Create(path))
                data.SaveTo(file);
            files.Add(path);
        }

        return files;
    }

    private static SKBitmap Draw(int w, int h, int seed)
    {
        var random = new Random(seed);
        SKColor Colour() => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        using (var sky = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, h), new[] { Colour(), Colour() }, SKShaderTileMode.Clamp) })
            canvas.DrawRect(0, 0, w, h, sky);
        using (var sun = new SKPaint { Color = Colour(), IsAntialias = true })
            canvas.DrawCircle(random.Next(w), random.Next(h / 2), 15 + random.Next(40), sun);
        for (int hill = 0; hill < 3; hill++)
        {
            using var paint = new SKPaint { Color = Colour(), IsAntialias = true };
            using var path = new SKPath();
            path.MoveTo(0, h);
            for (int x = 0; x <= w; x += 8)
                path.LineTo(x, (float)(h * (0.55 + (0.12 * hill)) + (25 * Math.Sin((x / (30.0 + (10 * hill))) + seed))));
            path.LineTo(w, h);
            path.Close();
            canvas.DrawPath(path, paint);
        }

        for (int s = 0; s < 400; s++)
        {
            using var dot = new SKPaint { Color = Colour().WithAlpha(120), IsAntialias = true };
            canvas.DrawCircle(random.Next(w), random.Next(h), 1 + random.Next(3), dot);
        }

        return bitmap;
    }
}
