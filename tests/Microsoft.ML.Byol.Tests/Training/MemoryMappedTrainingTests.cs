using Microsoft.ML.Byol.Tests.Data;
using Microsoft.ML.Byol.Tests.Support;

namespace Microsoft.ML.Byol.Tests.Training;

/// <summary>
/// Bigger-than-RAM data: a cache larger than its memory budget (MaxCacheMemoryBytes) is built in a memory-mapped file,
/// and training from it gives exactly what training from the in-memory cache gives (losses and weights equal).
/// </summary>
public sealed class MemoryMappedTrainingTests
{
    private const int Images = 40, Size = 16;

    private static IDataView Data(MLContext ml)
        => TestImages.View(ml, Enumerable.Range(0, Images).Select(i => TestImages.Noise(20 + i % 5, 18 + i % 3, seed: i)));

    private static (List<double> Losses, Dictionary<string, byte[]> Weights, List<string> Log) Fit(long? budget)
    {
        var ml = new MLContext(5);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("Cach", StringComparison.Ordinal)) lock (log) log.Add(e.Message); };
        var losses = new List<double>();
        var options = TinyRuns.Options(imageSize: Size, batchSize: 8, epochs: 2);
        options.MaxSteps = 6; // crosses the epoch boundary (5 steps an epoch): a reshuffle
        options.MaxCacheMemoryBytes = budget;
        options.Progress = new SyncProgress(p => losses.Add(p.Loss));
        using var model = ml.Transforms.ByolPretrain(options).Fit(Data(ml));
        using var onnx = new MemoryStream();
        model.ExportOnnx(onnx);
        onnx.Position = 0;
        var weights = global::Onnx.ModelProto.Parser.ParseFrom(onnx).Graph.Initializer
            .ToDictionary(t => t.Name, t => t.RawData.Length > 0 ? t.RawData.ToByteArray() : t.FloatData.SelectMany(BitConverter.GetBytes).ToArray());
        return (losses, weights, log);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void TrainingFromAMemoryMappedCache_EqualsTrainingFromMemory()
    {
        long cacheBytes = (long)Images * 3 * Size * Size;
        var mapped = Fit(budget: cacheBytes / 8);
        var memory = Fit(budget: null);

        mapped.Log.Should().Contain(l => l.Contains("Cached") && l.Contains("in a memory-mapped file"));
        memory.Log.Should().Contain(l => l.Contains("Cached") && l.Contains("in memory"));
        mapped.Losses.Should().HaveCount(6).And.Equal(memory.Losses);
        mapped.Weights.Keys.Should().BeEquivalentTo(memory.Weights.Keys);
        mapped.Weights.Should().NotBeEmpty();
        foreach (var (name, bytes) in memory.Weights)
            mapped.Weights[name].Should().Equal(bytes, $"initializer {name}");
    }
}
