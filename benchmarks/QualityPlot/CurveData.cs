using System.Globalization;

namespace QualityPlot;

/// <summary>The CSV files the quality benchmark writes beside latest.json, as the figure reads them.</summary>
internal sealed class CurveData
{
    public sealed record Point(string Part, long Step, double Minutes, double Value);

    public sealed record Reference(string Part, string Name, double LinearProbe, double Knn);

    public required IReadOnlyList<Point> LinearProbe { get; init; }
    public required IReadOnlyList<Point> Knn { get; init; }
    public required IReadOnlyList<Point> Loss { get; init; }
    public required IReadOnlyList<Point> Monitor { get; init; }
    public required IReadOnlyList<Reference> References { get; init; }

    public static CurveData Read(string folder)
    {
        var curve = Rows(Path.Combine(folder, "quality-curve.csv")); // part,step,minutes,linear_probe,knn
        return new CurveData
        {
            LinearProbe = curve.Select(r => new Point(r[0], long.Parse(r[1], CultureInfo.InvariantCulture), Number(r[2]), Number(r[3]))).ToList(),
            Knn = curve.Select(r => new Point(r[0], long.Parse(r[1], CultureInfo.InvariantCulture), Number(r[2]), Number(r[4]))).ToList(),
            Loss = Points(Path.Combine(folder, "quality-loss.csv")),        // part,step,minutes,loss
            Monitor = Points(Path.Combine(folder, "quality-monitor.csv")),  // part,step,minutes,knn_monitor
            References = Rows(Path.Combine(folder, "quality-references.csv")) // part,name,linear_probe,knn
                .Select(r => new Reference(r[0], r[1], Number(r[2]), Number(r[3]))).ToList(),
        };
    }

    private static List<Point> Points(string path)
        => Rows(path).Select(r => new Point(r[0], long.Parse(r[1], CultureInfo.InvariantCulture), Number(r[2]), Number(r[3]))).ToList();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Data rows (header skipped); fields split on commas, none of the benchmark's fields holds one.</summary>
    private static List<string[]> Rows(string path)
        => File.Exists(path) ? File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList() : new List<string[]>();
}
