using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ByolBenchmarks;
using ByolFashionMnist;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

namespace ZipVsEmbedder;

/// <summary>
/// Exports the encoder (float32, and Int8 with --int8), saves the zip a user would save, then times the zip reloaded in a
/// fresh MLContext (per row) and EmbedFiles of each exported file on the same files, every path once per round, after
/// one untimed warm-up round; prints the medians, the ratios against the zip and the Int8-vs-float32 cosine distances.
/// With --reduced-decoding, each EmbedFiles path is also timed with <see cref="ByolEmbedderOptions.ReducedSizeDecoding"/>
/// and its embeddings compared with the full decode's.
/// </summary>
internal static class ZipRun
{
    private const string ZipPath = "zip";
    private const string Float32Path = "float32";
    private const string Int8Path = "int8";
    private const string Reduced = "-reduced";

    public static int Run(ZipVsEmbedderSettings s)
    {
        var inv = CultureInfo.InvariantCulture;
        string work = Path.Combine(Path.GetTempPath(), "byol-zip-vs-embedder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var made = BenchFiles.Make(s, work);
            if (made is null)
            {
                return 2;
            }

            var (paths, description) = made.Value;

            var ml = new MLContext(1);
            var rows = paths.Select(p => new FileRow { Path = p }).ToList();
            IDataView Images(IEnumerable<string> files)
            {
                var view = ml.Data.LoadFromEnumerable(files.Select(p => new FileRow { Path = p }).ToList());
                return ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path)).Fit(view).Transform(view);
            }

            string float32 = Path.Combine(work, "float32.onnx"), int8 = Path.Combine(work, "int8.onnx");
            var clock = Stopwatch.StartNew();
            ByolEncoderInfo info;
            using (var transformer = EncoderSource.Create(ml, s, Images(BenchFiles.Sample(paths, 16))))
            {
                info = transformer.EncoderInfo;
                transformer.ExportOnnx(float32, ByolOnnxPrecision.Float32);
                if (s.Int8)
                {
                    transformer.ExportOnnx(int8, ByolOnnxPrecision.Int8, Images(BenchFiles.Sample(paths, s.Calibration)));
                }
            }

            Console.WriteLine(string.Create(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; {description}"));
            Console.WriteLine(string.Create(inv,
                $"encoder {info} ({(s.Encoder ?? $"{s.Weights} weights, no BYOL step")}); exported Float32{(s.Int8 ? $" and Int8 (calibrated on {BenchFiles.Sample(paths, s.Calibration).Count} of the files)" : "")} in {clock.Elapsed.TotalSeconds:F1} s"));

            // The model zip a user would save: LoadImages → the BYOL encoder, input schema (Path, Label).
            var input = ml.Data.LoadFromEnumerable(rows);
            string zip = Path.Combine(work, "model.zip");
            using (var encoder = ml.Transforms.ApplyByolEncoder(float32))
            {
                var loader = ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path)).Fit(input);
                var chain = new TransformerChain<ITransformer>(loader, encoder);
                chain.Transform(input).GetColumn<float[]>("Embedding").Take(1).ToList(); // binds the image chain that Save writes
                ml.Model.Save(chain, input.Schema, zip);
            }

            double seconds = 0;
            var passes = new List<(string Key, string Label, Func<float[][]> Embed)>
            {
                (ZipPath, "model.zip reloaded in ML.NET, per row (float32)", () =>
                {
                    var fresh = new MLContext(1);
                    var loaded = fresh.Model.Load(zip, out _);
                    var data = fresh.Data.LoadFromEnumerable(rows);
                    var embeddings = Timed(() => loaded.Transform(data).GetColumn<float[]>("Embedding").ToArray());
                    (loaded as IDisposable)?.Dispose();
                    return embeddings;
                }),
                (Float32Path, $"ByolEmbedder.EmbedFiles float32 (batch {s.Batch})", () => Embed(float32)),
            };
            if (s.Int8)
            {
                passes.Add((Int8Path, $"ByolEmbedder.EmbedFiles Int8 (batch {s.Batch})", () => Embed(int8)));
            }

            if (s.ReducedDecoding)
            {
                passes.Add((Float32Path + Reduced, $"ByolEmbedder.EmbedFiles float32, ReducedSizeDecoding (batch {s.Batch})", () => Embed(float32, reduced: true)));
                if (s.Int8)
                {
                    passes.Add((Int8Path + Reduced, $"ByolEmbedder.EmbedFiles Int8, ReducedSizeDecoding (batch {s.Batch})", () => Embed(int8, reduced: true)));
                }
            }

            float[][] Embed(string onnx, bool reduced = false)
            {
                using var embedder = ByolEmbedder.Load(onnx, new ByolEmbedderOptions { BatchSize = s.Batch, ReducedSizeDecoding = reduced });
                return Timed(() => embedder.EmbedFiles(paths));
            }

            float[][] Timed(Func<float[][]> pass)
            {
                GC.Collect();
                var watch = Stopwatch.StartNew();
                var embeddings = pass();
                seconds = watch.Elapsed.TotalSeconds;
                return embeddings;
            }

            var rates = passes.ToDictionary(p => p.Key, _ => new List<double>());
            var outputs = new Dictionary<string, float[][]>();
            for (int round = 0; round <= s.Rounds; round++)
            {
                var line = new List<string>();
                foreach (var (key, _, embed) in passes)
                {
                    outputs[key] = embed();
                    if (round > 0)
                    {
                        rates[key].Add(paths.Count / seconds);
                    }

                    line.Add(string.Create(inv, $"{key} {paths.Count / seconds:F1}"));
                }

                Console.WriteLine($"  {(round == 0 ? "warm-up" : $"round {round}")}: {string.Join(", ", line)} images/s");
            }

            double maxDiff = outputs[ZipPath].Zip(outputs[Float32Path], (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
            double zipMedian = Median(rates[ZipPath]);
            Console.WriteLine();
            Console.WriteLine($"| path | images/s (median of {s.Rounds}) | × the zip | rounds |");
            Console.WriteLine("|---|---:|---:|---|");
            foreach (var (key, label, _) in passes)
            {
                double median = Median(rates[key]);
                Console.WriteLine(string.Create(inv,
                    $"| {label} | {median:F1} | {median / zipMedian:F2}× | {string.Join(", ", rates[key].Select(r => r.ToString("F1", inv)))} |"));
            }

            Console.WriteLine(string.Create(inv, $"max |difference| zip vs EmbedFiles float32: {maxDiff:E2}"));
            var result = new JsonObject
            {
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", inv),
                ["files"] = description,
                ["encoder"] = info.ToString(),
                ["weights"] = s.Encoder ?? s.Weights,
                ["imagesPerPass"] = paths.Count,
                ["rounds"] = s.Rounds,
                ["batch"] = s.Batch,
                ["command"] = "ZipVsEmbedder " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1)),
                ["medianImagesPerSecond"] = new JsonObject(passes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Math.Round(Median(rates[p.Key]), 2)))),
                ["roundImagesPerSecond"] = new JsonObject(passes.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonArray(rates[p.Key].Select(r => (JsonNode?)Math.Round(r, 2)).ToArray())))),
                ["maxAbsDifferenceZipVsFloat32"] = maxDiff,
            };
            if (s.Int8)
            {
                var distances = outputs[Float32Path].Zip(outputs[Int8Path], EmbeddingDistance.Cosine).Order().ToList();
                double int8Median = Median(rates[Int8Path]);
                Console.WriteLine(string.Create(inv,
                    $"cosine distance Int8 vs float32 embeddings of the {distances.Count} files: mean {distances.Average():E2}, median {Median(distances):E2}, max {distances[^1]:E2}"));
                Console.WriteLine(string.Create(inv,
                    $"Int8 EmbedFiles / zip: {int8Median / zipMedian:F2}× (issue 12 target ≥ 3×: {(int8Median >= 3 * zipMedian ? "met" : "not met")}); " +
                    $"Int8 / float32 EmbedFiles: {int8Median / Median(rates[Float32Path]):F2}×"));
                result["int8CosineDistance"] = new JsonObject { ["mean"] = distances.Average(), ["median"] = Median(distances), ["max"] = distances[^1] };
            }

            foreach (var (key, _, _) in passes.Where(p => p.Key.EndsWith(Reduced, StringComparison.Ordinal)))
            {
                string fullKey = key[..^Reduced.Length];
                var distances = outputs[fullKey].Zip(outputs[key], EmbeddingDistance.Cosine).Order().ToList();
                Console.WriteLine(string.Create(inv,
                    $"cosine distance {key} vs {fullKey} embeddings of the {distances.Count} files: mean {distances.Average():E2}, median {Median(distances):E2}, max {distances[^1]:E2}; " +
                    $"{key} / zip: {Median(rates[key]) / zipMedian:F2}×, {key} / {fullKey}: {Median(rates[key]) / Median(rates[fullKey]):F2}×"));
                result[key + "CosineDistance"] = new JsonObject { ["mean"] = distances.Average(), ["median"] = Median(distances), ["max"] = distances[^1] };
            }

            if (s.Write)
            {
                var section = File.Exists(ResultsFile.LatestPath) && JsonNode.Parse(File.ReadAllText(ResultsFile.LatestPath))?["zipVsEmbedder"]?.DeepClone() is JsonObject existing
                    ? existing
                    : new JsonObject();
                section[s.Files] = result;
                Console.WriteLine($"Wrote \"zipVsEmbedder\".\"{s.Files}\" to {ResultsFile.Update("zipVsEmbedder", section)}");
            }

            return maxDiff <= 1e-4 ? 0 : 3;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
