using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ByolFashionMnist;
using ByolBenchmarks;
using Microsoft.ML;

namespace FashionMnistQuality;

/// <summary>One run: the data, then each selected part in turn, a summary table, and the results files.</summary>
internal static class QualityRun
{
    public static int Execute(QualitySettings settings)
    {
        if (!DatasetLocator.TryFind(settings.FashionMnistFolder, out var found))
        {
            Console.Error.WriteLine(found);
            return 2;
        }
        Console.WriteLine(found);
        Console.WriteLine($"Machine: {ResultsFile.Machine().ToJsonString()}");
        Console.WriteLine($"Parts: {string.Join(", ", BenchmarkParts.Keys.Where(k => settings.Runs(k.Part)).Select(k => k.Key))}; BYOL runs: {settings.Length} each.");
        var total = Stopwatch.StartNew();
        var train = FashionMnistSplit.Load(settings.FashionMnistFolder, "train", settings.TrainImages);
        var test = FashionMnistSplit.Load(settings.FashionMnistFolder, "test", settings.TestImages);
        var ml = new MLContext(settings.Seed);
        string work = settings.Output ?? Path.Combine(Path.GetTempPath(), "byol-quality-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var results = new List<PartResult>();
        var failures = new List<string>();
        try
        {
            foreach (var (key, part) in BenchmarkParts.Keys.Where(k => settings.Runs(k.Part)))
            {
                Console.WriteLine();
                Console.WriteLine($"({key}) {part}");
                var clock = Stopwatch.StartNew();
                try
                {
                    var result = Measure(part, ml, settings, train, test, work, results);
                    result.Details["partMinutes"] = Math.Round(clock.Elapsed.TotalMinutes, 2);
                    results.Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {result.Name}: linear probe {result.Scores.LinearProbe:P2}, kNN {result.Scores.Knn:P2} ({clock.Elapsed.TotalMinutes:F1} min)"));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One part failing (e.g. an option this build of the library does not implement yet) leaves the others measured.
                    failures.Add($"({key}) {e.GetType().Name}: {e.Message}");
                    Console.WriteLine($"  ({key}) not measured: {(e is NotSupportedException ? e.Message : e.ToString())}");
                }
            }
            Summary(results, failures, train, test, total.Elapsed);
            if (settings.WriteResults && results.Count > 0)
                WriteResults(settings, results, train, test);
            return failures.Count == 0 ? 0 : 3;
        }
        finally
        {
            if (settings.Output is null)
                Directory.Delete(work, recursive: true);
        }
    }

    private static PartResult Measure(BenchmarkPart part, MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test,
        string work, IReadOnlyList<PartResult> earlier) => part switch
        {
            BenchmarkPart.ImageNetFeatures => ImageNetFeaturesPart.Measure(ml, settings, train, test),
            BenchmarkPart.ImageNetNoByol => ImageNetNoByol.Measure(ml, settings, train, test, work),
            BenchmarkPart.ByolFromImageNet => ByolParts.FromImageNet(ml, settings, train, test, work, earlier),
            BenchmarkPart.Byol => ByolParts.FromRandomInit(ml, settings, train, test, work),
            BenchmarkPart.RawPixels => RawPixels.Measure(ml, train, test),
            _ => throw new ArgumentOutOfRangeException(nameof(part)),
        };

    private static void Summary(IReadOnlyList<PartResult> results, IReadOnlyList<string> failures, FashionMnistSplit train, FashionMnistSplit test, TimeSpan elapsed)
    {
        Console.WriteLine();
        Console.WriteLine($"Fashion-MNIST test accuracy ({train.Count} train / {test.Count} test images; ML.NET linear probe and cosine kNN k = {Knn.DefaultK}):");
        foreach (var r in results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.Name,-52} linear probe {r.Scores.LinearProbe:P2}   kNN {r.Scores.Knn:P2}"));
        foreach (var f in failures)
            Console.WriteLine($"  not measured: {f}");
        Console.WriteLine($"Whole benchmark: {elapsed.TotalMinutes:F1} min.");
    }

    private static void WriteResults(QualitySettings settings, IReadOnlyList<PartResult> results, FashionMnistSplit train, FashionMnistSplit test)
    {
        var common = new JsonObject
        {
            ["trainImages"] = train.Count,
            ["testImages"] = test.Count,
            ["probe"] = "ML.NET NormalizeMeanVariance + LbfgsMaximumEntropy (L2 1e-3)",
            ["knn"] = $"cosine, k = {Knn.DefaultK}, T = {Knn.Temperature.ToString(CultureInfo.InvariantCulture)}",
        };
        if (results.Any(r => r.Part is BenchmarkPart.ByolFromImageNet or BenchmarkPart.Byol))
        {
            // One of the two (a null would let QualityResults carry an earlier run's figure over).
            if (settings.Steps is { } steps)
                common["steps"] = steps;
            else
                common["budgetMinutes"] = settings.BudgetMinutes;
        }
        Console.WriteLine($"Wrote {QualityResults.Write(results, common)}.");
        if (ByolParts.Runs.Count == 0)
            return;
        string folder = ResultsFile.ResultsFolder();
        var written = CurveFiles.Write(folder, ByolParts.Runs, results);
        Console.WriteLine($"Wrote {string.Join(", ", written.Files)}.");
        var runs = string.Join("; ", ByolParts.Runs.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"({CurveFiles.Key(r.Part)}) {(r.Part == BenchmarkPart.Byol ? "random init" : "from ImageNet")}: {r.Outcome.Steps} steps in {r.Outcome.TrainMinutes:F1} min")));
        string earlier = written.KeptParts.Count == 0 ? "" : $"; {string.Join(", ", written.KeptParts.Select(k => $"({k})"))} from earlier runs";
        PlotRunner.Run(folder, $"BYOL on Fashion-MNIST, {settings.Length} each ({runs}; {Environment.ProcessorCount} CPU cores{earlier})");
    }
}
