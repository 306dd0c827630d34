// Proves the packages install and work: trains a tiny BYOL encoder on random 16 px images (Microsoft.ML.Byol),
// exports it to ONNX, reloads it with ApplyByolEncoder (Microsoft.ML.Byol.Onnx) and compares the embeddings.
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

const int Size = 16, Count = 32;
var random = new Random(11);
var rows = Enumerable.Range(0, Count)
    .Select(_ => new Row { Image = Enumerable.Range(0, 3 * Size * Size).Select(_ => (float)random.NextDouble()).ToArray() })
    .ToList();

var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromEnumerable(rows);

var options = new ByolOptions
{
    InputColumnName = "Image",
    OutputColumnName = "Embedding",
    Architecture = ByolArchitecture.ResNet18,
    WidthMultiplier = 0.125f,
    ImageSize = Size,
    ProjectorHiddenSize = 64,
    ProjectionSize = 32,
    PredictorHiddenSize = 64,
    Epochs = 1,
    MaxSteps = 3,
    BatchSize = 8,
    WarmupEpochs = 0,
    View1 = ByolViewOptions.SmallImageView1(),
    View2 = ByolViewOptions.SmallImageView2(),
    Device = "cpu",
    Seed = 7,
    Progress = new ConsoleProgress(),
};

using ByolTransformer trained = ml.Transforms.ByolPretrain(options).Fit(data);
float[][] expected = trained.Transform(data).GetColumn<float[]>("Embedding").ToArray();

string folder = Path.Combine(Path.GetTempPath(), "byol-package-consumer-" + Environment.ProcessId);
Directory.CreateDirectory(folder);
try
{
    string onnx = Path.Combine(folder, "encoder.onnx");
    trained.ExportOnnx(onnx);

    var scoring = new MLContext();
    using ByolTransformer reloaded = scoring.Transforms.ApplyByolEncoder(onnx, "Embedding", "Image");
    float[][] actual = reloaded.Transform(scoring.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Embedding").ToArray();

    Console.WriteLine($"encoder: {reloaded.EncoderInfo.Architecture}, {reloaded.EncoderInfo.ImageSize} px, " +
                      $"{reloaded.EncoderInfo.EmbeddingSize} floats; {actual.Length} rows");
    if (actual.Length != Count || expected.Length != Count)
        return Fail($"expected {Count} embeddings, got {expected.Length} (trained) and {actual.Length} (reloaded)");
    if (actual.Any(e => e.Length != reloaded.EncoderInfo.EmbeddingSize || !e.All(float.IsFinite)))
        return Fail("an embedding has the wrong size or a non-finite value");
    double maxDiff = expected.Zip(actual, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
    Console.WriteLine($"max |trained - reloaded| = {maxDiff:E2}");
    if (!(maxDiff <= 1e-5))
        return Fail($"embeddings differ by {maxDiff:E2} (> 1e-5)");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

Console.WriteLine("PACKAGE CONSUMER OK");
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("PACKAGE CONSUMER FAILED: " + message);
    return 1;
}

internal sealed class Row
{
    [VectorType(3, 16, 16)]
    public float[] Image { get; set; } = [];
}

internal sealed class ConsoleProgress : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => Console.WriteLine(value);
}
