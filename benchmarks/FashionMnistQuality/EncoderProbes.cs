using System.Diagnostics;
using System.Globalization;
using ByolFashionMnist;
using ByolBenchmarks;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// <c>--encoders a.onnx,b.onnx</c>: exported encoders (this library's ONNX files, each scored at its own
/// <see cref="ByolEncoderInfo.ImageSize"/>) under the benchmark's probes, instead of the parts. Prints the scores; writes
/// no results file (the encoders' provenance is the caller's).
/// </summary>
internal static class EncoderProbes
{
    public static int Execute(QualitySettings settings)
    {
        if (!DatasetLocator.TryFind(settings.FashionMnistFolder, out var found))
        {
            Console.Error.WriteLine(found);
            return 2;
        }
        var missing = settings.Encoders.Where(f => !File.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"No such encoder file: {string.Join(", ", missing)}");
            return 2;
        }
        Console.WriteLine(found);
        Console.WriteLine($"Machine: {ResultsFile.Machine().ToJsonString()}");
        var train = FashionMnistSplit.Load(settings.FashionMnistFolder, "train", settings.TrainImages);
        var test = FashionMnistSplit.Load(settings.FashionMnistFolder, "test", settings.TestImages);
        var ml = new MLContext(settings.Seed);
        foreach (string onnx in settings.Encoders)
        {
            var clock = Stopwatch.StartNew();
            var (trainFeatures, testFeatures) = EncoderFeatures.Embed(onnx, train, test);
            double embedMinutes = clock.Elapsed.TotalMinutes;
            var scores = FeatureProbe.Evaluate(ml, trainFeatures, train, testFeatures, test);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{onnx} ({ByolEncoderInfo.FromOnnx(onnx)}): linear probe {scores.LinearProbe:P2}, kNN {scores.Knn:P2} " +
                $"({train.Count} train / {test.Count} test; embedding {embedMinutes:F1} min, all {clock.Elapsed.TotalMinutes:F1} min)"));
        }
        return 0;
    }
}
