using System.Text.Json.Nodes;
using ByolBenchmarks;

namespace FashionMnistQuality;

/// <summary>
/// The <c>quality</c> section of latest.json. A run replaces the keys of the parts it ran (accuracy, kNN twin and the
/// part's details under <c>parts</c>) and keeps those of parts it did not run, so <c>--only</c> runs add up; a section
/// in the earlier layout (no <c>parts</c>) moves under <c>earlierLayoutRun</c>.
/// </summary>
internal static class QualityResults
{
    public static (string Accuracy, string Knn, string Details) Keys(BenchmarkPart part) => part switch
    {
        BenchmarkPart.ImageNetFeatures => ("imageNetFeaturesLinearProbe", "imageNetFeaturesKnn", "imageNetFeatures"),
        BenchmarkPart.ImageNetNoByol => ("imageNetNoByolLinearProbe", "imageNetNoByolKnn", "imageNetNoByol"),
        BenchmarkPart.ByolFromImageNet => ("byolFromImageNetLinearProbe", "byolFromImageNetKnn", "byolFromImageNet"),
        BenchmarkPart.Byol => ("byolLinearProbe", "byolKnn", "byol"),
        BenchmarkPart.RawPixels => ("rawPixelsLinearProbe", "rawPixelsKnn", "rawPixels"),
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };

    public static string Write(IReadOnlyList<PartResult> results, JsonObject common)
    {
        var existing = Existing() as JsonObject;
        JsonObject section = existing?["parts"] is JsonObject ? existing : new JsonObject();
        if (existing is not null && existing["parts"] is null)
            section["earlierLayoutRun"] = existing; // the single-encoder benchmark's last run, kept for reference

        var parts = section["parts"] as JsonObject ?? new JsonObject();
        section.Remove("parts");
        string date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var result in results)
        {
            var (accuracy, knn, details) = Keys(result.Part);
            section[accuracy] = Math.Round(result.Scores.LinearProbe, 4);
            section[knn] = Math.Round(result.Scores.Knn, 4);
            var entry = (JsonObject)result.Details.DeepClone();
            entry["date"] = date;
            foreach (var (key, value) in common)
                entry[key] = value?.DeepClone();
            if (parts[details] is JsonObject previous)
                CarryOver(previous, entry);
            parts[details] = entry;
        }
        section["parts"] = parts;
        return ResultsFile.Update("quality", section);
    }

    /// <summary>A figure measured only when the work ran (not read from a cache) is kept from the run that measured it.</summary>
    private static void CarryOver(JsonObject previous, JsonObject entry)
    {
        foreach (var (key, value) in previous)
        {
            if (entry.ContainsKey(key) && entry[key] is null && value is not null)
                entry[key] = value.DeepClone();
        }
    }

    private static JsonNode? Existing()
        => File.Exists(ResultsFile.LatestPath) ? JsonNode.Parse(File.ReadAllText(ResultsFile.LatestPath))?["quality"]?.DeepClone() : null;
}
