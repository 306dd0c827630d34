using System.Diagnostics;
using ByolFashionMnist;
using FashionMnistQuality;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace QuantizationBench;

/// <summary>
/// Exports one float32 encoder as Float32 and Int8 (calibrated on the first training images), embeds the same
/// Fashion-MNIST images with both through <see cref="ByolEmbedder"/>, probes both with FashionMnistQuality's linear
/// probe and kNN, and times both, alternating, on the same test images.
/// </summary>
internal static class QuantizationRun
{
    public static int Run(QuantizationSettings s)
    {
        if (!DatasetLocator.TryFind(s.Dataset, out string message))
        {
            Console.Error.WriteLine(message);
            return 2;
        }

        Directory.CreateDirectory(s.Work);
        var ml = new MLContext(seed: 1);
        var trainSplit = FashionMnistSplit.Load(s.Dataset, "train", s.Train);
        var testSplit = FashionMnistSplit.Load(s.Dataset, "t10k", s.Test);
        string float32 = Path.Combine(s.Work, "float32.onnx"), int8 = Path.Combine(s.Work, "int8.onnx");
        var clock = Stopwatch.StartNew();
        using (var transformer = Encoder(ml, s, trainSplit))
        {
            Console.WriteLine($"encoder: {transformer.EncoderInfo}");
            transformer.ExportOnnx(float32, ByolOnnxPrecision.Float32);
            var calibration = GreyImageView.Create(ml, trainSplit.Rows.Take(s.Calibration).ToList());
            transformer.ExportOnnx(int8, ByolOnnxPrecision.Int8, calibration);
        }

        Console.WriteLine($"exported Float32 and Int8 (calibrated on {Math.Min(s.Calibration, trainSplit.Count)} training images) in {clock.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs; {CpuFlags()}");
        if (!s.SpeedOnly)
        {
            var (f, floatTest) = Probe(ml, "Float32", float32, trainSplit, testSplit);
            var (q, int8Test) = Probe(ml, "Int8", int8, trainSplit, testSplit);
            var distances = floatTest.Zip(int8Test, EmbeddingDistance.Cosine).Order().ToList();
            Console.WriteLine($"cosine distance Float32 vs Int8 embeddings of the test images: mean {distances.Average():E2}, " +
                $"median {distances[distances.Count / 2]:E2}, max {distances[^1]:E2}");
            Console.WriteLine($"linear-probe drop Float32 -> Int8: {100 * (f.LinearProbe - q.LinearProbe):F2} points; kNN drop: {100 * (f.Knn - q.Knn):F2} points " +
                $"({trainSplit.Count} train / {testSplit.Count} test images)");
        }

        if (s.Rounds > 0)
        {
            Speed(float32, int8, testSplit, s);
        }

        return 0;
    }

    /// <summary>The encoder to compare: the given file, or the imported ImageNet ResNet-18 (no BYOL step).</summary>
    private static ByolTransformer Encoder(MLContext ml, QuantizationSettings s, FashionMnistSplit train)
    {
        if (s.Encoder is { } path)
        {
            return ml.Transforms.ApplyByolEncoder(path, inputColumnName: "Image");
        }

        var options = new ByolOptions
        {
            InputColumnName = "Image",
            InitialEncoderPath = DnnImageModels.ResNet18,
            Architecture = ByolArchitecture.ResNet18,
            ImageSize = s.ImageSize,
            Device = "cpu",
            MaxSteps = 0,
        };
        return ml.Transforms.ByolPretrain(options).Fit(GreyImageView.Create(ml, train.Rows.Take(64).ToList()));
    }


    private static (FeatureProbe.Scores Scores, float[][] TestFeatures) Probe(MLContext ml, string name, string onnx, FashionMnistSplit train, FashionMnistSplit test)
    {
        var clock = Stopwatch.StartNew();
        var (trainFeatures, testFeatures) = EncoderFeatures.Embed(onnx, train, test);
        double embed = clock.Elapsed.TotalSeconds;
        var scores = FeatureProbe.Evaluate(ml, trainFeatures, train, testFeatures, test);
        Console.WriteLine($"{name}: linear probe {100 * scores.LinearProbe:F2} %, kNN {100 * scores.Knn:F2} % (embedding took {embed:F0} s)");
        return (scores, testFeatures);
    }

    /// <summary>Images/s of both encoders on the same test images, alternating in each round; the median of the rounds.</summary>
    private static void Speed(string float32, string int8, FashionMnistSplit test, QuantizationSettings s)
    {
        var options = new ByolEmbedderOptions { BatchSize = 64 };
        using var f = ByolEmbedder.Load(float32, options);
        using var q = ByolEmbedder.Load(int8, options);
        int n = Math.Min(s.SpeedImages, test.Count);
        var rates = new Dictionary<string, List<double>> { ["Float32"] = new(), ["Int8"] = new() };
        EncoderFeatures.Of(f, test, 64); // warm-up
        EncoderFeatures.Of(q, test, 64);
        for (int round = 0; round < s.Rounds; round++)
        {
            foreach (var (name, embedder) in new[] { ("Float32", f), ("Int8", q) })
            {
                var clock = Stopwatch.StartNew();
                EncoderFeatures.Of(embedder, test, n);
                rates[name].Add(n / clock.Elapsed.TotalSeconds);
            }
        }

        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine($"speed ({n} images per round, {s.Rounds} rounds, ByolEmbedder.Embed of 28 px MLImages, batch 64): " +
            $"Float32 {Median(rates["Float32"]):F0} images/s, Int8 {Median(rates["Int8"]):F0} images/s, " +
            $"ratio {Median(rates["Int8"]) / Median(rates["Float32"]):F2}x (medians; rounds: " +
            $"Float32 [{string.Join(", ", rates["Float32"].Select(r => r.ToString("F0")))}], Int8 [{string.Join(", ", rates["Int8"].Select(r => r.ToString("F0")))}])");
    }

    private static string CpuFlags()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return "CPU flags unknown";
        }

        var flags = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ').ToHashSet() ?? new HashSet<string>();
        var wanted = new[] { "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8" };
        return "int8-relevant CPU flags: " + string.Join(", ", wanted.Select(w => $"{w} {(flags.Contains(w) ? "yes" : "no")}"));
    }
}
