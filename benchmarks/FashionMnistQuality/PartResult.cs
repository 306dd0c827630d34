using System.Text.Json.Nodes;

namespace FashionMnistQuality;

/// <summary>
/// What one part measured: the two accuracies under the shared probes, and its own details for latest.json
/// (configuration, timings, checks, curve).
/// </summary>
internal sealed record PartResult(BenchmarkPart Part, string Name, FeatureProbe.Scores Scores, JsonObject Details);
