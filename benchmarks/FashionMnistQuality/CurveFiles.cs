using System.Globalization;

namespace FashionMnistQuality;

/// <summary>
/// The CSV files of a run with BYOL parts, beside latest.json: probes per kept encoder (quality-curve.csv), loss per
/// step (quality-loss.csv), the kNN monitor (quality-monitor.csv) and every part's final accuracies
/// (quality-references.csv). benchmarks/QualityPlot draws quality-curve.png from them.
/// </summary>
internal static class CurveFiles
{
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<(BenchmarkPart Part, ByolRun.Outcome Outcome)> runs, IReadOnlyList<PartResult> results)
    {
        static string Key(BenchmarkPart part) => BenchmarkParts.Keys.First(k => k.Part == part).Key;
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var files = new List<string>();
        void Csv(string name, string header, IEnumerable<string> lines)
        {
            string path = Path.Combine(folder, name);
            File.WriteAllLines(path, new[] { header }.Concat(lines));
            files.Add(path);
        }
        Csv("quality-curve.csv", "part,step,minutes,linear_probe,knn", runs.SelectMany(r => r.Outcome.Curve.Select(c =>
            F($"{Key(r.Part)},{c.Step},{c.Minutes:F3},{c.Scores.LinearProbe:F4},{c.Scores.Knn:F4}"))));
        Csv("quality-loss.csv", "part,step,minutes,loss", runs.SelectMany(r => r.Outcome.Loss.Select(p =>
            F($"{Key(r.Part)},{p.Step},{p.Minutes:F4},{p.Loss:F5}"))));
        Csv("quality-monitor.csv", "part,step,minutes,knn_monitor", runs.SelectMany(r => r.Outcome.Monitor.Select(p =>
            F($"{Key(r.Part)},{p.Step},{p.Minutes:F3},{p.Accuracy:F4}"))));
        Csv("quality-references.csv", "part,name,linear_probe,knn", results.Select(r =>
            F($"{Key(r.Part)},{r.Name.Replace(',', ';')},{r.Scores.LinearProbe:F4},{r.Scores.Knn:F4}")));
        return files;
    }
}
