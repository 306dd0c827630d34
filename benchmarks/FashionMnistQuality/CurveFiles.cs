using System.Globalization;

namespace FashionMnistQuality;

/// <summary>
/// The CSV files of a run with BYOL parts, beside latest.json: probes per kept encoder (quality-curve.csv), loss per
/// step (quality-loss.csv), the kNN monitor (quality-monitor.csv) and every part's final accuracies
/// (quality-references.csv). benchmarks/QualityPlot draws quality-curve.png from them. As in latest.json, a run replaces
/// the rows of the parts it ran and keeps those of the others, so <c>--only</c> runs add up (the curves of (c) and (d)
/// both stay in the plot when one of them is run again).
/// </summary>
internal static class CurveFiles
{
    /// <summary>The files written, and the keys of the parts whose rows were kept from earlier runs.</summary>
    public sealed record Written(IReadOnlyList<string> Files, IReadOnlyList<string> KeptParts);

    public static string Key(BenchmarkPart part) => BenchmarkParts.Keys.First(k => k.Part == part).Key;

    public static Written Write(string folder, IReadOnlyList<(BenchmarkPart Part, ByolRun.Outcome Outcome)> runs, IReadOnlyList<PartResult> results)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        var files = new List<string>();
        var kept = new SortedSet<string>(StringComparer.Ordinal);
        void Csv(string name, string header, IEnumerable<BenchmarkPart> parts, IEnumerable<string> lines)
        {
            string path = Path.Combine(folder, name);
            var earlier = KeptRows(path, header, parts.Select(Key).ToHashSet(StringComparer.Ordinal));
            kept.UnionWith(earlier.Select(PartOf));
            File.WriteAllLines(path, new[] { header }.Concat(earlier).Concat(lines));
            files.Add(path);
        }
        var byolParts = runs.Select(r => r.Part).ToList();
        Csv("quality-curve.csv", "part,step,minutes,linear_probe,knn", byolParts, runs.SelectMany(r => r.Outcome.Curve.Select(c =>
            F($"{Key(r.Part)},{c.Step},{c.Minutes:F3},{c.Scores.LinearProbe:F4},{c.Scores.Knn:F4}"))));
        Csv("quality-loss.csv", "part,step,minutes,loss", byolParts, runs.SelectMany(r => r.Outcome.Loss.Select(p =>
            F($"{Key(r.Part)},{p.Step},{p.Minutes:F4},{p.Loss:F5}"))));
        Csv("quality-monitor.csv", "part,step,minutes,knn_monitor", byolParts, runs.SelectMany(r => r.Outcome.Monitor.Select(p =>
            F($"{Key(r.Part)},{p.Step},{p.Minutes:F3},{p.Accuracy:F4}"))));
        Csv("quality-references.csv", "part,name,linear_probe,knn", results.Select(r => r.Part), results.Select(r =>
            F($"{Key(r.Part)},{r.Name.Replace(',', ';')},{r.Scores.LinearProbe:F4},{r.Scores.Knn:F4}")));
        return new Written(files, kept.ToList());
    }

    /// <summary>The data rows of an earlier file with the same header whose part this run did not measure.</summary>
    internal static List<string> KeptRows(string path, string header, IReadOnlySet<string> replacedParts)
    {
        if (!File.Exists(path))
            return new List<string>();
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != header)
            return new List<string>();   // another layout: start afresh rather than mix columns
        return lines.Skip(1).Where(l => l.Length > 0 && !replacedParts.Contains(PartOf(l))).ToList();
    }

    private static string PartOf(string row) => row[..Math.Max(0, row.IndexOf(','))];
}
