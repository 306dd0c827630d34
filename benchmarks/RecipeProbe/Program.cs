using System.CommandLine;
using System.Diagnostics;
using ByolFashionMnist;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// Compares fine-tuning recipes from ML.NET's ImageNet ResNet-18 on a Fashion-MNIST subset: the same run with one
// setting changed at a time, scored by the library's kNN monitor along the run and a linear probe at the end.
// The fast allocator for CPU training (README, 'Memory and speed on CPU'): run again under jemalloc when it is installed.
if (Microsoft.ML.Byol.ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
var train = new Option<int>("--train") { Description = "training images (the first N)", DefaultValueFactory = _ => 10000 };
var test = new Option<int>("--test") { Description = "test images for the final probe", DefaultValueFactory = _ => 5000 };
var size = new Option<int>("--size") { Description = "training image size", DefaultValueFactory = _ => 64 };
var minutes = new Option<double>("--minutes") { Description = "time budget of each run", DefaultValueFactory = _ => 4 };
var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64 };
var variants = new Option<string[]>("--variant")
{
    Description = "runs to make, each a comma list of key=value (lr, eta, enc-lr, frozen, freeze-bn, tau, batch, steps: a fixed step count instead of the time budget, so that a busy machine changes the run's speed, not its result); 'none' = no BYOL step",
    DefaultValueFactory = _ => new[] { "none", "recipe", "freeze-bn=false", "enc-lr=1,frozen=0,freeze-bn=false" },
    AllowMultipleArgumentsPerToken = true,
};
var threads = new Option<int?>("--threads") { Description = "TorchSharp CPU threads (1 is fastest on a busy machine)" };
var root = new RootCommand("Fine-tuning recipe probe on Fashion-MNIST") { train, test, size, minutes, batch, variants, threads };
root.SetAction(parse => Run(parse.GetValue(train), parse.GetValue(test), parse.GetValue(size), parse.GetValue(minutes), parse.GetValue(batch), parse.GetValue(variants)!, parse.GetValue(threads)));
return root.Parse(args).Invoke();

static int Run(int trainCount, int testCount, int size, double minutes, int batchSize, string[] variants, int? threads)
{
    string model = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    var ml = new MLContext(1);
    ml.Log += (_, e) =>
    {
        if (e.Message.Contains("BYOL: time budget") || e.Message.Contains("BYOL monitor") || e.Message.Contains("steps in"))
            Console.WriteLine("    " + e.Message[(e.Message.IndexOf("BYOL", StringComparison.Ordinal))..]);
    };
    var trainRows = Upsample(FashionMnist.Load(FashionMnist.DefaultFolder, "train", trainCount), size);
    var testRows = Upsample(FashionMnist.Load(FashionMnist.DefaultFolder, "test", testCount), size);
    var schema = SchemaDefinition.Create(typeof(SizedRow));
    schema["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, size, size);
    var trainView = ml.Data.LoadFromEnumerable(trainRows, schema);
    var testView = ml.Data.LoadFromEnumerable(testRows, schema);
    Console.WriteLine($"{DateTime.UtcNow:u} {trainCount} train / {testCount} test images at {size} px, {minutes} min per run, batch {batchSize}");

    foreach (var variant in variants)
    {
        var options = new ByolOptions
        {
            InitialEncoderPath = model,
            ImageSize = size,
            BatchSize = batchSize,
            Epochs = 100,
            TimeBudget = TimeSpan.FromMinutes(minutes),
            MonitorLabelColumnName = "Label",
            KeepBestMonitoredEncoder = false,
            Device = "cpu",
            NumberOfThreads = threads,
            Seed = 1,
        };
        foreach (var pair in variant.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=');
            double V() => double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture);
            switch (kv[0])
            {
                case "none": options.MaxSteps = 0; options.TimeBudget = null; options.MonitorLabelColumnName = null; break;
                case "recipe": break;
                case "lr": options.BaseLearningRate = V(); break;
                case "eta": options.TrustCoefficient = V(); break;
                case "enc-lr": options.EncoderLearningRateScale = V(); break;
                case "frozen": options.FrozenEncoderFraction = V(); break;
                case "freeze-bn": options.FreezeEncoderBatchNorm = bool.Parse(kv[1]); break;
                case "tau": options.TauBase = V(); break;
                case "batch": options.BatchSize = (int)V(); break;
                case "steps": options.MaxSteps = (long)V(); options.TimeBudget = null; break;
                default: throw new ArgumentException($"Unknown setting {kv[0]}.");
            }
        }
        var monitor = new List<string>();
        options.Progress = new Reports(p => { if (p.MonitorAccuracy is { } a) monitor.Add($"{p.Step}:{a:P1}"); });
        var clock = Stopwatch.StartNew();
        using var encoder = ml.Transforms.ByolPretrain(options).Fit(trainView);
        double trainMinutes = clock.Elapsed.TotalMinutes;
        var probe = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.NormalizeMeanVariance("Features", "Embedding"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features"));
        var model2 = probe.Fit(encoder.Transform(trainView));
        var metrics = ml.MulticlassClassification.Evaluate(model2.Transform(encoder.Transform(testView)), "LabelKey");
        Console.WriteLine($"{variant,-40} probe {metrics.MacroAccuracy:P2} micro {metrics.MicroAccuracy:P2}  train {trainMinutes:F1} min  kNN {string.Join(" ", monitor)}");
    }
    return 0;
}

static List<SizedRow> Upsample(List<PixelRow> rows, int size)
{
    // Bilinear 28 → size (align corners false), as a stand-in for ML.NET's resize in this probe.
    var result = new List<SizedRow>(rows.Count);
    float scale = 28f / size;
    foreach (var row in rows)
    {
        var image = new float[size * size];
        for (int y = 0; y < size; y++)
        {
            float sy = Math.Clamp((y + 0.5f) * scale - 0.5f, 0, 27);
            int y0 = (int)sy, y1 = Math.Min(27, y0 + 1);
            float fy = sy - y0;
            for (int x = 0; x < size; x++)
            {
                float sx = Math.Clamp((x + 0.5f) * scale - 0.5f, 0, 27);
                int x0 = (int)sx, x1 = Math.Min(27, x0 + 1);
                float fx = sx - x0;
                float top = row.Image[y0 * 28 + x0] * (1 - fx) + row.Image[y0 * 28 + x1] * fx;
                float bottom = row.Image[y1 * 28 + x0] * (1 - fx) + row.Image[y1 * 28 + x1] * fx;
                image[y * size + x] = top * (1 - fy) + bottom * fy;
            }
        }
        result.Add(new SizedRow { Image = image, Label = row.Label });
    }
    return result;
}

internal sealed class SizedRow
{
    public float[] Image { get; set; } = Array.Empty<float>();
    public string Label { get; set; } = "";
}

internal sealed class Reports(Action<ByolProgress> report) : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => report(value);
}
