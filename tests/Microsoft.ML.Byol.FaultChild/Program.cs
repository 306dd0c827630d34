using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// Usage: dotnet Microsoft.ML.Byol.FaultChild.dll <checkpoint folder> <steps> <checkpoint every steps>
// Trains a tiny BYOL configuration on seeded random images with checkpoints (resuming from the folder when it holds
// some) and prints the library's log lines and "step N" after every step to standard output.
// Usage: dotnet Microsoft.ML.Byol.FaultChild.dll --allocator
// Calls ByolFastAllocator.Relaunch as an application's first line would, then prints "allocator <name>".
if (args is ["--allocator"])
{
    if (ByolFastAllocator.Relaunch(args) is int exitCode)
        return exitCode;
    Console.WriteLine($"allocator {ByolFastAllocator.CurrentAllocator}");
    return 0;
}

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: <checkpoint folder> <steps> <checkpoint every steps>");
    return 2;
}

const int size = 16, count = 32;
var random = new Random(17);
var rows = Enumerable.Range(0, count).Select(_ => new Row { Pixels = Image(random) }).ToList();
var options = new ByolOptions
{
    Architecture = ByolArchitecture.ResNet18,
    WidthMultiplier = 0.25f,
    ImageSize = size,
    ProjectorHiddenSize = 64,
    ProjectionSize = 32,
    PredictorHiddenSize = 64,
    BatchSize = 16,
    Epochs = 1000,
    MaxSteps = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
    WarmupEpochs = 0,
    BaseLearningRate = 1.0,
    TauBase = 0.99,
    View1 = ByolViewOptions.SmallImageView1(),
    View2 = ByolViewOptions.SmallImageView2(),
    InputColumnName = "Pixels",
    Device = "cpu",
    NumberOfThreads = 1,
    Seed = 7,
    CheckpointDirectory = args[0],
    CheckpointEverySteps = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
    Progress = new StepPrinter(),
};

var ml = new MLContext(1);
ml.Log += (_, e) =>
{
    if (e.Message.Contains("BYOL", StringComparison.Ordinal))
        Console.WriteLine(e.Message);
};
var schema = SchemaDefinition.Create(typeof(Row));
schema["Pixels"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, size, size);
var data = ml.Data.LoadFromEnumerable(rows, schema);
using (ml.Transforms.ByolPretrain(options).Fit(data)) { }
Console.WriteLine("done");
return 0;

// Smooth random blobs in [0, 1], planar RGB.
static float[] Image(Random random)
{
    var pixels = new float[3 * size * size];
    double cx = random.NextDouble() * size, cy = random.NextDouble() * size, r = 2 + random.NextDouble() * 5;
    for (int c = 0; c < 3; c++)
    {
        double level = random.NextDouble();
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                pixels[(c * size + y) * size + x] = (float)Math.Clamp((Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r)) * level) + 0.05 * random.NextDouble(), 0, 1);
    }
    return pixels;
}

internal sealed class Row
{
    public float[] Pixels { get; set; } = Array.Empty<float>();
}

internal sealed class StepPrinter : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => Console.WriteLine($"step {value.Step}");
}
