using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace FashionMnistQuality;

/// <summary>The floor: the 784 grey values of each image under the same probes.</summary>
internal static class RawPixels
{
    public static PartResult Measure(MLContext ml, FashionMnistSplit train, FashionMnistSplit test)
    {
        var clock = Stopwatch.StartNew();
        var scores = FeatureProbe.Evaluate(ml, train.Rows.Select(r => r.Image).ToArray(), train, test.Rows.Select(r => r.Image).ToArray(), test);
        return new PartResult(BenchmarkPart.RawPixels, "raw pixels (784)", scores, new JsonObject
        {
            ["features"] = 784,
            ["probeSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        });
    }
}
