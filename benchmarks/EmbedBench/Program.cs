using System.Diagnostics;
using System.Globalization;
using EmbedBench;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;

// Images per second of the embedding paths on random-weight ResNet encoders, and the matmul peak, in one run.
//   dotnet run -c Release --project benchmarks/EmbedBench -- [--archs ResNet18,ResNet50] [--images 64] [--reps 2]
//       [--batch 32] [--size 224] [--width 1] [--small-stem] [--paths a,a-px,b,c,d]
// --paths also takes b-row (the ByolTransformer's per-row chain) and zip (the transformer saved and reloaded in plain
// ML.NET), so that the batched view (b) is measured against the same transformer without it, in one run.
// The options (System.CommandLine, EmbedBenchCommand.cs) are listed by --help; an unknown option is an error.
return EmbedBenchCommand.Create(Run).Parse(args).Invoke();

int Run(EmbedBenchSettings settings)
{
    var (architectures, images, reps, batch, size, pathKeys, width, smallStem) = settings;
    var inv = CultureInfo.InvariantCulture;

    TorchRuntime.EnsureInitialized();
    Console.WriteLine(string.Create(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical cores, {Environment.OSVersion}"));
    Console.WriteLine(string.Create(inv,
        $"{images} images per path and repetition, {reps} repetitions (paths alternate), batch {batch}, {size} px, width ×{width:G3}, " +
        $"{(smallStem ? "small" : "standard")} stem; paths {string.Join(", ", pathKeys)}"));
    var peaks = new List<double>();
    void MeasurePeak(string when)
    {
        peaks.Add(MatmulPeak.Measure());
        Console.WriteLine(string.Create(inv, $"float32 matmul peak (TorchSharp 2048×2048, best of 3×8) {when}: {peaks[^1]:F1} GFLOP/s"));
    }

    MeasurePeak("at the start");

    var ml = new MLContext(seed: 1);
    var results = new List<(ByolArchitecture Arch, double Flops, string Key, string Label, double[] Rates)>();
    foreach (var architecture in architectures)
    {
        var layout = new ResNetLayout(architecture, width, smallStem);
        double flops = Flops.PerImage(layout, size);
        using var encoder = new ResNet(layout);
        encoder.eval();
        string onnxPath = Path.Combine(Path.GetTempPath(), $"embedbench-{architecture}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(onnxPath, EncoderExporter.Export(encoder, size, foldBatchNorm: true, trainingSummary: null));
        try
        {
            BenchPath Make(string key) => key switch
            {
                "a" => new EmbedderPath(onnxPath, batch),
                "a-px" => new EmbedderPixelsPath(onnxPath, batch, size),
                "b" => new TransformerPath(ml, onnxPath, perRow: false),
                "b-row" => new TransformerPath(ml, onnxPath, perRow: true),
                "zip" => new ZipReloadPath(ml, onnxPath, Path.ChangeExtension(onnxPath, ".zip")),
                "c" => new PerRowOnnxPath(ml, onnxPath, size),
                "d" => new TorchPath(encoder, batch, size),
                _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Unknown path."),
            };
            var paths = pathKeys.Select(Make).ToList();
            var rates = paths.ToDictionary(p => p.Key, _ => new List<double>());
            foreach (var path in paths)
            {
                path.Prepare(Math.Min(images, batch), seed: 99)(); // warm-up: sessions, allocations, thread pools
            }

            for (int rep = 0; rep < reps; rep++)
            {
                foreach (var path in rep % 2 == 0 ? paths : Enumerable.Reverse(paths))
                {
                    var work = path.Prepare(images, seed: rep);
                    GC.Collect();
                    var clock = Stopwatch.StartNew();
                    work();
                    double rate = images / clock.Elapsed.TotalSeconds;
                    rates[path.Key].Add(rate);
                    Console.WriteLine(string.Create(inv, $"  {architecture} rep {rep + 1} {path.Key,-5} {rate,8:F2} images/s"));
                }

                MeasurePeak($"after {architecture} rep {rep + 1}");
            }

            results.AddRange(paths.Select(p => (architecture, flops, p.Key, p.Label, rates[p.Key].ToArray())));
            paths.ForEach(p => p.Dispose());
        }
        finally
        {
            File.Delete(onnxPath);
        }
    }

    double peak = peaks.Max();
    Console.WriteLine(string.Create(inv, $"float32 matmul peak: highest of {peaks.Count} measurements, {peak:F1} GFLOP/s (lowest {peaks.Min():F1})"));
    Console.WriteLine();
    Console.WriteLine("| Encoder | Path | images/s (best) | images/s (mean) | images/s (median) | GFLOP/s (best) | % of matmul peak |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        double best = r.Rates.Max(), mean = r.Rates.Average(), gflops = best * r.Flops / 1e9;
        Console.WriteLine(string.Create(inv,
            $"| {r.Arch} ({r.Flops / 1e9:F3} GFLOP/img) | ({r.Key}) {r.Label} | {best:F2} | {mean:F2} | {Median(r.Rates):F2} | {gflops:F1} | {100 * gflops / peak:F0} % |"));
    }

    Console.WriteLine();
    foreach (var group in results.GroupBy(r => r.Arch))
    {
        var best = group.ToDictionary(r => r.Key, r => r.Rates.Max());
        var median = group.ToDictionary(r => r.Key, r => Median(r.Rates));
        var ratios = new[] { ("a", "d"), ("a-px", "d"), ("b", "c"), ("b", "b-row"), ("b", "zip"), ("a", "b"), ("a", "zip") }
            .Where(p => best.ContainsKey(p.Item1) && best.ContainsKey(p.Item2))
            .Select(p => string.Create(inv, $"({p.Item1})/({p.Item2}) = {best[p.Item1] / best[p.Item2]:F2} best, {median[p.Item1] / median[p.Item2]:F2} median"))
            .ToList();
        if (ratios.Count > 0)
            Console.WriteLine($"{group.Key}: {string.Join("; ", ratios)}");
    }

    return 0;
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToArray();
    int n = sorted.Length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
