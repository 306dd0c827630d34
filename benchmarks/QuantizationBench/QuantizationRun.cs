using System.Diagnostics;
using ByolFashionMnist;
using FashionMnistQuality;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace QuantizationBench;

/// <summary>
/// Exports each float32 encoder as Float32 and Int8 (calibrated on the first training images), embeds the same
/// Fashion-MNIST images with both through <see cref="ByolEmbedder"/>, probes both with FashionMnistQuality's linear
/// probe and kNN, and times all of them, in turn in each round, on the same test images.
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
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical CPUs; {CpuFlags()}");
        var pairs = new List<Pair>();
        var sources = s.Encoders.Count > 0 ? s.Encoders.Cast<string?>().ToList() : new List<string?> { null };
        for (int i = 0; i < sources.Count; i++)
        {
            var pair = Export(ml, s, sources[i], i, trainSplit);
            pairs.Add(pair);
            if (!s.SpeedOnly)
            {
                var (f, floatTest) = Probe(ml, "Float32", pair.Float32, trainSplit, testSplit);
                var (q, int8Test) = Probe(ml, "Int8", pair.Int8, trainSplit, testSplit);
                var distances = floatTest.Zip(int8Test, EmbeddingDistance.Cosine).Order().ToList();
                Console.WriteLine($"cosine distance Float32 vs Int8 embeddings of the test images: mean {distances.Average():E2}, " +
                    $"median {distances[distances.Count / 2]:E2}, max {distances[^1]:E2}");
                Console.WriteLine($"linear-probe drop Float32 -> Int8: {100 * (f.LinearProbe - q.LinearProbe):F2} points; kNN drop: {100 * (f.Knn - q.Knn):F2} points " +
                    $"({trainSplit.Count} train / {testSplit.Count} test images)");
            }
        }

        if (s.Rounds > 0)
        {
            Speed(pairs, testSplit, s);
        }

        return 0;
    }

    /// <summary>One encoder exported as Float32 and Int8, named by its description.</summary>
    private sealed record Pair(string Name, string Float32, string Int8);

    private static Pair Export(MLContext ml, QuantizationSettings s, string? source, int index, FashionMnistSplit trainSplit)
    {
        string float32 = Path.Combine(s.Work, $"{index}-float32.onnx"), int8 = Path.Combine(s.Work, $"{index}-int8.onnx");
        var clock = Stopwatch.StartNew();
        using var transformer = Encoder(ml, s, source, trainSplit);
        Console.WriteLine($"encoder {index}: {transformer.EncoderInfo}");
        transformer.ExportOnnx(float32, ByolOnnxPrecision.Float32);
        var calibration = GreyImageView.Create(ml, trainSplit.Rows.Take(s.Calibration).ToList());
        transformer.ExportOnnx(int8, ByolOnnxPrecision.Int8, calibration);
        Console.WriteLine($"exported Float32 and Int8 (calibrated on {Math.Min(s.Calibration, trainSplit.Count)} training images) in {clock.Elapsed.TotalSeconds:F1} s");
        var info = transformer.EncoderInfo;
        return new Pair($"{info.Architecture} ×{info.WidthMultiplier} at {info.ImageSize} px", float32, int8);
    }

    /// <summary>The encoder to compare: the given file, or the imported ImageNet ResNet-18 (no BYOL step).</summary>
    private static ByolTransformer Encoder(MLContext ml, QuantizationSettings s, string? source, FashionMnistSplit train)
    {
        if (source is { } path)
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

    /// <summary>
    /// Images/s of every encoder in both precisions on the same test images, all of them in turn in each round (so a
    /// slower spell of the shared machine falls on every one); the median of the rounds.
    /// </summary>
    private static void Speed(IReadOnlyList<Pair> pairs, FashionMnistSplit test, QuantizationSettings s)
    {
        var options = new ByolEmbedderOptions { BatchSize = 64 };
        var embedders = pairs.SelectMany(p => new[] { (Pair: p, Precision: "Float32", Embedder: ByolEmbedder.Load(p.Float32, options)),
                                                      (Pair: p, Precision: "Int8", Embedder: ByolEmbedder.Load(p.Int8, options)) }).ToList();
        try
        {
            int n = Math.Min(s.SpeedImages, test.Count);
            var rates = embedders.ToDictionary(e => e.Embedder, _ => new List<double>());
            foreach (var e in embedders)
                EncoderFeatures.Of(e.Embedder, test, 64); // warm-up
            for (int round = 0; round < s.Rounds; round++)
            {
                foreach (var e in embedders)
                {
                    var clock = Stopwatch.StartNew();
                    EncoderFeatures.Of(e.Embedder, test, n);
                    rates[e.Embedder].Add(n / clock.Elapsed.TotalSeconds);
                }
            }

            double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            string Rounds(List<double> values) => "[" + string.Join(", ", values.Select(r => r.ToString("F1"))) + "]";
            Console.WriteLine($"speed ({n} images per round, {s.Rounds} rounds, ByolEmbedder.Embed of 28 px MLImages, batch 64; medians):");
            foreach (var pair in pairs)
            {
                var f = rates[embedders.Single(e => e.Pair == pair && e.Precision == "Float32").Embedder];
                var q = rates[embedders.Single(e => e.Pair == pair && e.Precision == "Int8").Embedder];
                Console.WriteLine($"  {pair.Name}: Float32 {Median(f):F1} images/s, Int8 {Median(q):F1} images/s, ratio {Median(q) / Median(f):F2}x " +
                    $"(rounds: Float32 {Rounds(f)}, Int8 {Rounds(q)})");
            }
        }
        finally
        {
            foreach (var e in embedders)
                e.Embedder.Dispose();
        }
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
