using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ByolBenchmarks;
using FashionMnistQuality;
using Microsoft.ML;
using Microsoft.ML.Byol;
using SkiaSharp;

// Fashion-MNIST quality benchmark: BYOL through the public ML.NET API on the 60 000 training images (labels unused)
// within a time budget, then a linear probe (ML.NET multinomial logistic regression on frozen embeddings) and a
// cosine kNN (k = 200) on the 10 000 test images; beside it, in the same run, raw pixels and the untrained encoder
// (MaxSteps = 0) under the same probes, and the encoders kept along the run for the accuracy-over-time curve.
// Writes benchmarks/results/latest.json ("quality"), quality-curve.csv and quality-curve.png.
//   dotnet run -c Release --project benchmarks/FashionMnistQuality -- [--budget-minutes 30] [--help]
var settings = QualitySettings.Parse(args);
if (settings is null)
    return 1;
if (!DatasetLocator.TryFind(settings.FashionMnistFolder, out var found))
{
    Console.Error.WriteLine(found);
    return 2;
}
Console.WriteLine(found);
Console.WriteLine($"Machine: {ResultsFile.Machine().ToJsonString()}");
var total = Stopwatch.StartNew();

var train = FashionMnistSplit.Load(settings.FashionMnistFolder, "train", settings.TrainLimit);
var test = FashionMnistSplit.Load(settings.FashionMnistFolder, "test", settings.TestLimit);
var ml = new MLContext(settings.Seed);
var images = ml.Data.LoadFromEnumerable(train.Rows);
string work = settings.Output ?? Path.Combine(Path.GetTempPath(), "byol-quality-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(work);
try
{
    var pretraining = new Pretraining(settings, ml, images, train.Count);
    Console.WriteLine($"BYOL: {settings.Architecture} ×{settings.Width} at {settings.ImageSize} px, batch {settings.BatchSize}, " +
                      $"heads {settings.HiddenSize}/{settings.ProjectionSize}, lr {settings.LearningRate}, η {settings.TrustCoefficient}, crops ≥ {settings.CropScaleMin}; " +
                      $"budget {settings.BudgetMinutes} min.");
    var (secondsPerStep, overhead) = pretraining.Calibrate();
    // Checkpoints and the final export take a little time too: keep 2 % of the budget for them.
    long steps = Math.Max(1, (long)((settings.BudgetMinutes * 60 * 0.98 - overhead) / secondsPerStep));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Calibration: {secondsPerStep:F3} s/step ({settings.BatchSize / secondsPerStep:F0} img/s), {overhead:F0} s outside the steps → {steps} steps " +
        $"({steps * settings.BatchSize / (double)train.Count:F1} epochs) in {settings.BudgetMinutes} min."));

    var (estimator, model, elapsed) = pretraining.Run(steps, Path.Combine(work, "checkpoints"));
    double pretrainMinutes = elapsed.TotalMinutes;
    Console.WriteLine($"Pretraining took {pretrainMinutes:F1} min ({steps} steps); evaluating ...");

    float[] trainPixels = train.PlanarRgb(), testPixels = test.PlanarRgb();
    (float[][] Train, float[][] Test) Embed(string onnx)
    {
        using var embedder = ByolEmbedder.Load(onnx, new ByolEmbedderOptions { BatchSize = 256 });
        return (embedder.EmbedPixels(trainPixels, train.Count), embedder.EmbedPixels(testPixels, test.Count));
    }
    FeatureProbe.Scores Score(string name, string onnx)
    {
        var clock = Stopwatch.StartNew();
        var (trainFeatures, testFeatures) = Embed(onnx);
        var scores = FeatureProbe.Evaluate(ml, trainFeatures, train, testFeatures, test);
        Console.WriteLine($"  {name,-34} linear probe {scores.LinearProbe:P2}   kNN {scores.Knn:P2}   ({clock.Elapsed.TotalSeconds:F0} s)");
        return scores;
    }

    string final = Path.Combine(work, "final.onnx");
    model.ExportOnnx(final);
    var byol = Score($"BYOL, {steps} steps", final);
    model.Dispose();

    string untrainedOnnx = Path.Combine(work, "untrained.onnx");
    using (var untrainedModel = pretraining.Untrained())
        untrainedModel.ExportOnnx(untrainedOnnx);
    var untrained = Score("untrained encoder (MaxSteps = 0)", untrainedOnnx);

    var rawClock = Stopwatch.StartNew();
    var raw = FeatureProbe.Evaluate(ml, train.Rows.Select(r => r.Image).ToArray(), train, test.Rows.Select(r => r.Image).ToArray(), test);
    Console.WriteLine($"  {"raw pixels (784)",-34} linear probe {raw.LinearProbe:P2}   kNN {raw.Knn:P2}   ({rawClock.Elapsed.TotalSeconds:F0} s)");

    // The curve: every kept checkpoint before the last (the last is the final model, scored above).
    double SecondsAt(long step) => pretraining.LossCurve.Where(p => p.Step <= step).Select(p => p.Seconds).DefaultIfEmpty(0).Max();
    var curve = new List<(long Step, double Minutes, FeatureProbe.Scores Scores)> { (0, 0, untrained) };
    foreach (var checkpoint in estimator.GetCheckpoints().Where(c => c.Step < steps))
    {
        string onnx = Path.Combine(work, $"step{checkpoint.Step}.onnx");
        estimator.ExportCheckpointOnnx(checkpoint.Path, onnx);
        curve.Add((checkpoint.Step, SecondsAt(checkpoint.Step) / 60, Score($"checkpoint at step {checkpoint.Step}", onnx)));
    }
    curve.Add((steps, SecondsAt(steps) / 60, byol));

    Console.WriteLine();
    Console.WriteLine($"Fashion-MNIST test accuracy after {pretrainMinutes:F1} min of BYOL pretraining ({settings.Architecture} ×{settings.Width}, {steps} steps):");
    Console.WriteLine($"  linear probe: BYOL {byol.LinearProbe:P2} | untrained {untrained.LinearProbe:P2} | raw pixels {raw.LinearProbe:P2}");
    Console.WriteLine($"  kNN (k = 200): BYOL {byol.Knn:P2} | untrained {untrained.Knn:P2} | raw pixels {raw.Knn:P2}");
    Console.WriteLine($"Whole benchmark: {total.Elapsed.TotalMinutes:F1} min.");

    if (settings.WriteResults)
    {
        string folder = ResultsFile.ResultsFolder();
        string csv = Path.Combine(folder, "quality-curve.csv");
        File.WriteAllLines(csv, new[] { "step,minutes,linear_probe,knn" }.Concat(curve.Select(c =>
            string.Create(CultureInfo.InvariantCulture, $"{c.Step},{c.Minutes:F3},{c.Scores.LinearProbe:F4},{c.Scores.Knn:F4}"))));
        string lossCsv = Path.Combine(folder, "quality-loss.csv");
        File.WriteAllLines(lossCsv, new[] { "step,minutes,loss" }.Concat(pretraining.LossCurve.Select(p =>
            string.Create(CultureInfo.InvariantCulture, $"{p.Step},{p.Seconds / 60:F4},{p.Loss:F5}"))));
        string png = Path.Combine(folder, "quality-curve.png");
        CurvePlot.Write(png, $"BYOL on Fashion-MNIST: {settings.Architecture} ×{settings.Width}, {settings.ImageSize} px, batch {settings.BatchSize}, {steps} steps in {pretrainMinutes:F1} min ({Environment.ProcessorCount} CPU cores)",
            pretraining.LossCurve.Select(p => (p.Seconds / 60, p.Loss)).ToList(),
            new[]
            {
                new CurvePlot.Series("BYOL linear probe", curve.Select(c => (c.Minutes, c.Scores.LinearProbe)).ToList(), new SKColor(200, 60, 30), true),
                new CurvePlot.Series("BYOL kNN (k = 200)", curve.Select(c => (c.Minutes, c.Scores.Knn)).ToList(), new SKColor(40, 140, 60), true),
            },
            new[]
            {
                new CurvePlot.Reference("raw pixels, linear", raw.LinearProbe, new SKColor(110, 110, 110)),
                new CurvePlot.Reference("untrained, linear", untrained.LinearProbe, new SKColor(170, 120, 200)),
            });
        var quality = new JsonObject
        {
            ["byolLinearProbe"] = Math.Round(byol.LinearProbe, 4),
            ["randomInitLinearProbe"] = Math.Round(untrained.LinearProbe, 4),
            ["rawPixelsLinearProbe"] = Math.Round(raw.LinearProbe, 4),
            ["knn"] = Math.Round(byol.Knn, 4),
            ["randomInitKnn"] = Math.Round(untrained.Knn, 4),
            ["rawPixelsKnn"] = Math.Round(raw.Knn, 4),
            ["pretrainMinutes"] = Math.Round(pretrainMinutes, 2),
            ["budgetMinutes"] = settings.BudgetMinutes,
            ["steps"] = steps,
            ["epochs"] = Math.Round(steps * settings.BatchSize / (double)train.Count, 2),
            ["trainImages"] = train.Count,
            ["testImages"] = test.Count,
            ["configuration"] = string.Create(CultureInfo.InvariantCulture,
                $"{settings.Architecture} x{settings.Width} small stem, {settings.ImageSize} px, batch {settings.BatchSize}, heads {settings.HiddenSize}/{settings.ProjectionSize}, " +
                $"LARS lr {settings.LearningRate} eta {settings.TrustCoefficient}, tau 0.99, crops >= {settings.CropScaleMin}, brightness/contrast jitter, solarize 0.2 in view 2, no blur"),
            ["curve"] = new JsonArray(curve.Select(c => (JsonNode)new JsonObject
            {
                ["step"] = c.Step,
                ["minutes"] = Math.Round(c.Minutes, 2),
                ["linearProbe"] = Math.Round(c.Scores.LinearProbe, 4),
                ["knn"] = Math.Round(c.Scores.Knn, 4),
            }).ToArray()),
        };
        Console.WriteLine($"Wrote {ResultsFile.Update("quality", quality)}, {csv}, {lossCsv} and {png}.");
    }
    return 0;
}
finally
{
    if (settings.Output is null)
        Directory.Delete(work, recursive: true);
}
