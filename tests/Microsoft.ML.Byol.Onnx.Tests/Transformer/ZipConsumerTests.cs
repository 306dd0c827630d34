using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

/// <summary>
/// The model zip must load in an application that references only ML.NET, its image and ONNX packages and ONNX
/// Runtime: tests/Microsoft.ML.Byol.ZipConsumer is such an application, run here as a separate process.
/// </summary>
public sealed class ZipConsumerTests(ITestOutputHelper output) : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly TempFolder _folder = new("byol-zip-consumer-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ZipLoadsAndScoresInAnApplicationWithoutThisProject()
    {
        string consumer = ConsumerPath();
        File.Exists(consumer).Should().BeTrue($"the consumer is built with the test project ({consumer})");
        Directory.GetFiles(Path.GetDirectoryName(consumer)!, "*.dll").Select(Path.GetFileName)
            .Should().NotContain(f => f!.StartsWith("Microsoft.ML.Byol.Onnx", StringComparison.Ordinal) || f.StartsWith("TorchSharp", StringComparison.Ordinal),
                "the consumer stands for an application with ML.NET and ONNX Runtime only");
        var files = Pictures.Create(3).Select((image, i) =>
        {
            string path = Path.Combine(_folder.Path, $"image{i}.png");
            image.Save(path);
            image.Dispose();
            return path;
        }).ToArray();

        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true);
        var loadedImages = LoadImages(files);
        var inProcess = Pictures.Column(byol.Transform(loadedImages), "Embedding");
        string zip = Path.Combine(_folder.Path, "model.zip");
        _ml.Model.Save(byol, loadedImages.Schema, zip);

        var (columnType, outOfProcess) = RunConsumer(consumer, zip, files);

        columnType.Should().Be($"Vector<Single, {TestEncoder.EmbeddingSize}>");
        Embeddings.ShouldMatch(outOfProcess, inProcess, "(consumer process vs. in process)");
        Embeddings.ShouldBeInformative(outOfProcess);
    }

    private IDataView LoadImages(string[] files)
    {
        var paths = _ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f }).ToList());
        return _ml.Transforms.LoadImages("Image", null, nameof(PathRow.Path)).Fit(paths).Transform(paths);
    }

    private (string ColumnType, float[][] Embeddings) RunConsumer(string consumer, string zip, string[] files)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { consumer, zip, "Image", "Embedding" }.Concat(files))
        {
            start.ArgumentList.Add(arg);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(3)).Should().BeTrue("the consumer finishes");
        output.WriteLine($"consumer ran in {watch.ElapsedMilliseconds} ms; stderr: {stderr.Result}");
        process.ExitCode.Should().Be(0, stderr.Result);

        using var json = JsonDocument.Parse(stdout.Result);
        var embeddings = json.RootElement.GetProperty("embeddings").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => float.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        return (json.RootElement.GetProperty("columnType").GetString()!, embeddings);
    }

    private static string ConsumerPath() =>
        typeof(ZipConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ZipConsumerPath").Value!;

    private sealed class PathRow
    {
        public string Path { get; set; } = "";
    }
}
