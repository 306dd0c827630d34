using System.Globalization;
using System.Text.Json.Nodes;

namespace ByolBenchmarks;

/// <summary>Medians over rounds of each side's figures, the ratio, and the printed table.</summary>
internal static class Summary
{
    /// <summary>One configuration's result: both sides' medians, per-round figures and the ratio ours / PyTorch.</summary>
    public static JsonObject Of(Configuration c, string allocator, IReadOnlyList<JsonObject> ours, IReadOnlyList<JsonObject> peer, int rounds, int steps, int warmup, int threads)
    {
        var side = (IReadOnlyList<JsonObject> runs) => Side(runs);
        double oursPairs = Median(ours.Select(r => (double)r["pairsPerSecond"]!));
        double peerPairs = Median(peer.Select(r => (double)r["pairsPerSecond"]!));
        return new JsonObject
        {
            ["key"] = c.Key, ["allocator"] = allocator, ["label"] = c.Label, ["arch"] = c.Arch, ["width"] = c.Width, ["size"] = c.Size, ["batch"] = c.Batch,
            ["smallStem"] = c.SmallStem, ["hidden"] = c.Hidden, ["projection"] = c.Projection,
            ["rounds"] = rounds, ["steps"] = steps, ["warmup"] = warmup, ["threads"] = threads,
            ["ratioVsPyTorch"] = Round(oursPairs / peerPairs),
            ["roundRatios"] = new JsonArray(ours.Zip(peer, (o, p) => (JsonNode?)Round((double)o["pairsPerSecond"]! / (double)p["pairsPerSecond"]!)).ToArray()),
            ["torchsharp"] = side(ours),
            ["pytorch"] = side(peer),
        };
    }

    /// <summary>Prints one row per configuration.</summary>
    public static void PrintTable(JsonArray results)
    {
        Console.WriteLine("| configuration | allocator | TorchSharp pairs/s | PyTorch pairs/s | ratio | system s/step ours / PyTorch | peak RSS ours / PyTorch (MiB) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in results.Select(n => n!.AsObject()))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r["label"]} | {r["allocator"]} | {(double)r["torchsharp"]!["pairsPerSecond"]!:F2} | {(double)r["pytorch"]!["pairsPerSecond"]!:F2} | " +
                $"{(double)r["ratioVsPyTorch"]!:F2} | {(double)r["torchsharp"]!["systemSecondsPerStep"]!:F2} / {(double)r["pytorch"]!["systemSecondsPerStep"]!:F2} | " +
                $"{(double)r["torchsharp"]!["peakRssMiB"]!:F0} / {(double)r["pytorch"]!["peakRssMiB"]!:F0} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Phases, median s/step (ours / PyTorch):");
        foreach (var r in results.Select(n => n!.AsObject()))
        {
            var ours = r["torchsharp"]!["phases"]!.AsObject();
            var peer = r["pytorch"]!["phases"]!.AsObject();
            var names = ours.Select(p => p.Key).Union(peer.Select(p => p.Key));
            Console.WriteLine($"  [{r["key"]}, {r["allocator"]}] " + string.Join(", ", names.Select(n => string.Create(CultureInfo.InvariantCulture,
                $"{n} {Value(ours, n):F3} / {Value(peer, n):F3}"))));
        }
    }

    private static JsonObject Side(IReadOnlyList<JsonObject> runs)
    {
        var phaseNames = runs.SelectMany(r => r["phases"]?.AsObject().Select(p => p.Key) ?? Enumerable.Empty<string>()).Distinct().ToList();
        var phases = new JsonObject();
        foreach (var name in phaseNames)
            phases[name] = Round(Median(runs.Select(r => Value(r["phases"]?.AsObject(), name))));
        var result = new JsonObject
        {
            ["pairsPerSecond"] = Round(Median(runs.Select(r => (double)r["pairsPerSecond"]!))),
            ["secondsPerStep"] = Round(Median(runs.Select(r => (double)r["secondsPerStep"]!))),
            ["systemSecondsPerStep"] = Round(Median(runs.Select(r => (double?)r["systemSecondsPerStep"] ?? double.NaN))),
            ["allocatorSeen"] = runs[0]["allocator"]?.DeepClone(),
            ["peakRssMiB"] = Math.Round(runs.Max(r => (double)r["peakRssMiB"]!), 1),
            ["phases"] = phases,
            ["roundPairsPerSecond"] = new JsonArray(runs.Select(r => (JsonNode?)Round((double)r["pairsPerSecond"]!)).ToArray()),
        };
        if (runs[0]["version"] is { } version)
            result["version"] = version.DeepClone();
        if (runs[0]["usefulGflopPerStep"] is { } gflop)
            result["usefulGflopPerSecond"] = Round((double)gflop / (double)result["secondsPerStep"]!); // ByolBench's count (StepFlops.cs)
        return result;
    }

    private static double Value(JsonObject? phases, string name) => phases?[name] is { } v ? (double)v : 0;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double Round(double value) => Math.Round(value, 4);
}
