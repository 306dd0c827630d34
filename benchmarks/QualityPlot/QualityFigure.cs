using ScottPlot;
using SkiaSharp;

namespace QualityPlot;

/// <summary>
/// The quality figure: BYOL loss over pretraining time for each run (left), and the probe accuracies of the encoders
/// kept along each run, with the kNN monitor, against the encoders without pretraining as dashed lines (right).
/// </summary>
internal static class QualityFigure
{
    private static readonly Dictionary<string, (string Name, Color Color)> Runs = new()
    {
        ["c"] = ("BYOL from ImageNet", Colors.OrangeRed),
        ["d"] = ("BYOL from random init", Colors.SteelBlue),
    };

    private static readonly Dictionary<string, Color> ReferenceColors = new()
    {
        ["a"] = Colors.DarkGreen,
        ["b"] = Colors.MediumPurple,
        ["raw"] = Colors.Gray,
    };

    public static void Write(CurveData data, string title, string path, int width = 1400, int height = 560)
    {
        var loss = new Plot();
        loss.Title("BYOL loss");
        loss.XLabel("pretraining time (min)");
        loss.YLabel("loss (moving average)");
        foreach (var (part, (name, color)) in Runs)
        {
            var points = Smooth(data.Loss.Where(p => p.Part == part).ToList());
            if (points.Count < 2)
                continue;
            var line = loss.Add.ScatterLine(points.Select(p => p.Minutes).ToArray(), points.Select(p => p.Value).ToArray());
            line.LegendText = name;
            line.Color = color;
            line.LineWidth = 2;
        }
        loss.ShowLegend(Alignment.UpperRight);

        var accuracy = new Plot();
        accuracy.Title("Fashion-MNIST test accuracy");
        accuracy.XLabel("pretraining time (min)");
        accuracy.YLabel("accuracy");
        foreach (var (part, (name, color)) in Runs)
        {
            Series(accuracy, data.LinearProbe.Where(p => p.Part == part).ToList(), $"{name}, linear probe", color, LinePattern.Solid, 7);
            Series(accuracy, data.Knn.Where(p => p.Part == part).ToList(), $"{name}, kNN", color, LinePattern.Dashed, 5);
            Series(accuracy, data.Monitor.Where(p => p.Part == part).ToList(), $"{name}, kNN monitor (held-out slice)", color.WithAlpha(0.5), LinePattern.Dotted, 3);
        }
        foreach (var reference in data.References.Where(r => ReferenceColors.ContainsKey(r.Part)))
        {
            var line = accuracy.Add.HorizontalLine(reference.LinearProbe);
            line.LegendText = $"{reference.Name}, linear probe ({reference.LinearProbe:P1})";
            line.Color = ReferenceColors[reference.Part];
            line.LinePattern = LinePattern.Dashed;
            line.LineWidth = 1.5f;
        }
        accuracy.ShowLegend(Alignment.LowerRight);

        double lastMinute = data.Loss.Concat(data.LinearProbe).Concat(data.Monitor).Select(p => p.Minutes).DefaultIfEmpty(1).Max();
        loss.Axes.SetLimitsX(0, lastMinute * 1.03);
        accuracy.Axes.SetLimitsX(0, lastMinute * 1.03);

        var figure = new Multiplot();
        foreach (var existing in figure.Subplots.GetPlots())
            figure.Subplots.Remove(existing);
        figure.Subplots.Add(loss);
        figure.Subplots.Add(accuracy);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();

        const int titleHeight = 36;
        using var surface = SKSurface.Create(new SKImageInfo(width, height + titleHeight));
        surface.Canvas.Clear(SKColors.White);
        surface.Canvas.Translate(0, titleHeight);
        figure.Render(surface.Canvas, new PixelRect(0, width, height, 0));
        // The plots clear the whole canvas when they render: the title goes on afterwards, above them.
        surface.Canvas.ResetMatrix();
        using (var band = new SKPaint { Color = SKColors.White })
            surface.Canvas.DrawRect(0, 0, width, titleHeight, band);
        using (var typeface = SKTypeface.FromFamilyName(Fonts.Default))
        using (var font = new SKFont(typeface, 18))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
            surface.Canvas.DrawText(title, width / 2f, 24, SKTextAlign.Center, font, paint);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        png.SaveTo(file);
    }

    private static void Series(Plot plot, IReadOnlyList<CurveData.Point> points, string name, Color color, LinePattern pattern, float marker)
    {
        if (points.Count == 0)
            return;
        var scatter = plot.Add.Scatter(points.Select(p => p.Minutes).ToArray(), points.Select(p => p.Value).ToArray());
        scatter.LegendText = name;
        scatter.Color = color;
        scatter.LinePattern = pattern;
        scatter.LineWidth = 2;
        scatter.MarkerSize = marker;
    }

    /// <summary>Moving average of the per-step loss over about a sixtieth of the run, every quarter window.</summary>
    private static List<CurveData.Point> Smooth(IReadOnlyList<CurveData.Point> points)
    {
        int window = Math.Max(1, points.Count / 60);
        var result = new List<CurveData.Point>();
        for (int i = 0; i < points.Count; i += Math.Max(1, window / 4))
        {
            int from = Math.Max(0, i - window + 1);
            double mean = 0;
            for (int j = from; j <= i; j++)
                mean += points[j].Value;
            result.Add(points[i] with { Value = mean / (i - from + 1) });
        }
        return result;
    }
}
