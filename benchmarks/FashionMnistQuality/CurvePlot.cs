using SkiaSharp;

namespace FashionMnistQuality;

/// <summary>
/// The PNG of a run: BYOL loss against pretraining minutes (left) and the probe accuracies of the encoders kept
/// along the way (right), with the raw-pixel and untrained-encoder probes as reference lines.
/// </summary>
internal static class CurvePlot
{
    private const int PanelWidth = 620, Height = 440, Margin = 62;

    public sealed record Reference(string Name, double Value, SKColor Color);

    public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points, SKColor Color, bool Markers);

    public static void Write(string path, string title, IReadOnlyList<(double Minutes, double Loss)> loss,
        IReadOnlyList<Series> accuracy, IReadOnlyList<Reference> references)
    {
        using var surface = SKSurface.Create(new SKImageInfo(2 * PanelWidth, Height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        const float font = 15;
        const float titleFont = 17;
        Text(canvas, title, 2 * PanelWidth / 2f, 22, SKTextAlign.Center, titleFont);

        double maxMinutes = Math.Max(loss.Count > 0 ? loss[^1].Minutes : 1, accuracy.SelectMany(s => s.Points).Select(p => p.X).DefaultIfEmpty(1).Max());
        var smoothed = Smooth(loss, Math.Max(1, loss.Count / 60));
        double lossMax = loss.Count > 0 ? Math.Ceiling(loss.Max(p => p.Loss) * 5) / 5 : 1;
        var left = new Axes(new SKRect(Margin, 40, PanelWidth - 20, Height - Margin), 0, maxMinutes, 0, lossMax);
        left.Draw(canvas, font, "pretraining time (min)", "BYOL loss");
        left.Line(canvas, loss.Select(p => (p.Minutes, p.Loss)).ToList(), new SKColor(160, 190, 230), 1f);
        left.Line(canvas, smoothed, new SKColor(20, 80, 170), 2.5f);
        Legend(canvas, font, left.Frame, new[] { ("loss per step", new SKColor(160, 190, 230)), ("moving average", new SKColor(20, 80, 170)) });

        var values = accuracy.SelectMany(s => s.Points.Select(p => p.Y)).Concat(references.Select(r => r.Value)).ToList();
        double low = Math.Floor(values.DefaultIfEmpty(0.5).Min() * 20) / 20, high = Math.Min(1, Math.Ceiling(values.DefaultIfEmpty(1).Max() * 20) / 20 + 0.02);
        var right = new Axes(new SKRect(PanelWidth + Margin, 40, 2 * PanelWidth - 20, Height - Margin), 0, maxMinutes, low, high);
        right.Draw(canvas, font, "pretraining time (min)", "test accuracy");
        foreach (var r in references)
            right.Horizontal(canvas, r.Value, r.Color);
        foreach (var s in accuracy)
        {
            right.Line(canvas, s.Points, s.Color, 2.5f);
            if (s.Markers)
                right.Markers(canvas, s.Points, s.Color);
        }
        Legend(canvas, font, right.Frame, accuracy.Select(s => (s.Name, s.Color)).Concat(references.Select(r => ($"{r.Name} ({r.Value:P1})", r.Color))).ToList(), bottom: true);

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    private static void Text(SKCanvas canvas, string text, float x, float y, SKTextAlign align, float size)
    {
        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true, TextSize = size, TextAlign = align, Typeface = SKTypeface.Default };
        canvas.DrawText(text, x, y, paint);
    }

    private static List<(double, double)> Smooth(IReadOnlyList<(double Minutes, double Loss)> points, int window)
    {
        var result = new List<(double, double)>();
        for (int i = 0; i < points.Count; i += Math.Max(1, window / 4))
        {
            int from = Math.Max(0, i - window + 1);
            double mean = 0;
            for (int j = from; j <= i; j++)
                mean += points[j].Loss;
            result.Add((points[i].Minutes, mean / (i - from + 1)));
        }
        return result;
    }

    private static void Legend(SKCanvas canvas, float font, SKRect frame, IReadOnlyList<(string Name, SKColor Color)> entries, bool bottom = false)
    {
        float height = entries.Count * 19 + 8;
        float top = bottom ? frame.Bottom - height - 6 : frame.Top + 6;
        using (var box = new SKPaint { Color = new SKColor(255, 255, 255, 230) })
            canvas.DrawRect(new SKRect(frame.Right - 238, top, frame.Right - 6, top + height), box);
        float y = top + 18;
        foreach (var (name, color) in entries)
        {
            using var swatch = new SKPaint { Color = color, StrokeWidth = 3, IsAntialias = true };
            canvas.DrawLine(frame.Right - 230, y - 5, frame.Right - 205, y - 5, swatch);
            Text(canvas, name, frame.Right - 198, y, SKTextAlign.Left, font);
            y += 19;
        }
    }

    private sealed class Axes(SKRect frame, double xMin, double xMax, double yMin, double yMax)
    {
        public SKRect Frame => frame;

        private float X(double x) => frame.Left + (float)((x - xMin) / (xMax - xMin) * frame.Width);
        private float Y(double y) => frame.Bottom - (float)((y - yMin) / (yMax - yMin) * frame.Height);

        public void Draw(SKCanvas canvas, float font, string xLabel, string yLabel)
        {
            using var grid = new SKPaint { Color = new SKColor(228, 228, 228), StrokeWidth = 1 };
            using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.2f, Style = SKPaintStyle.Stroke, IsAntialias = true };
            foreach (double x in Ticks(xMin, xMax))
            {
                canvas.DrawLine(X(x), frame.Top, X(x), frame.Bottom, grid);
                Text(canvas, Format(x), X(x), frame.Bottom + 18, SKTextAlign.Center, font);
            }
            foreach (double y in Ticks(yMin, yMax))
            {
                canvas.DrawLine(frame.Left, Y(y), frame.Right, Y(y), grid);
                Text(canvas, Format(y), frame.Left - 6, Y(y) + 5, SKTextAlign.Right, font);
            }
            canvas.DrawRect(frame, axis);
            Text(canvas, xLabel, frame.MidX, frame.Bottom + 40, SKTextAlign.Center, font);
            canvas.Save();
            canvas.RotateDegrees(-90, frame.Left - 48, frame.MidY);
            Text(canvas, yLabel, frame.Left - 48, frame.MidY, SKTextAlign.Center, font);
            canvas.Restore();
        }

        public void Line(SKCanvas canvas, IReadOnlyList<(double X, double Y)> points, SKColor color, float width)
        {
            if (points.Count < 2)
                return;
            using var paint = new SKPaint { Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true };
            using var path = new SKPath();
            path.MoveTo(X(points[0].X), Y(points[0].Y));
            foreach (var p in points.Skip(1))
                path.LineTo(X(p.X), Y(p.Y));
            canvas.DrawPath(path, paint);
        }

        public void Markers(SKCanvas canvas, IReadOnlyList<(double X, double Y)> points, SKColor color)
        {
            using var paint = new SKPaint { Color = color, IsAntialias = true };
            foreach (var p in points)
                canvas.DrawCircle(X(p.X), Y(p.Y), 4.5f, paint);
        }

        public void Horizontal(SKCanvas canvas, double y, SKColor color)
        {
            using var paint = new SKPaint { Color = color, StrokeWidth = 2, IsAntialias = true, PathEffect = SKPathEffect.CreateDash(new[] { 8f, 6f }, 0) };
            canvas.DrawLine(frame.Left, Y(y), frame.Right, Y(y), paint);
        }

        private static IEnumerable<double> Ticks(double min, double max)
        {
            double raw = (max - min) / 6;
            double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(s => s >= raw);
            for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
                yield return Math.Round(t, 10);
        }

        private static string Format(double v) => v.ToString(Math.Abs(v) < 10 && v != Math.Floor(v) ? "0.0##" : "0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
