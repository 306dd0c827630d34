using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// Times BYOL training steps through the public API on random images (the image cache is built before the clock
// starts; the first steps are warm-up and not counted). Usage:
//   dotnet run -c Release --project benchmarks/ByolBench -- [--arch ResNet18] [--width 1] [--size 32] [--batch 64]
//       [--steps 20] [--warmup 3] [--threads N] [--hidden 4096] [--projection 256]
var arguments = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Arg(string name, string fallback) => arguments.TryGetValue(name, out var v) ? v : fallback;
var architecture = Enum.Parse<ByolArchitecture>(Arg("arch", "ResNet18"), ignoreCase: true);
float width = float.Parse(Arg("width", "1"), CultureInfo.InvariantCulture);
int size = int.Parse(Arg("size", "32"), CultureInfo.InvariantCulture);
int batch = int.Parse(Arg("batch", "64"), CultureInfo.InvariantCulture);
int steps = int.Parse(Arg("steps", "20"), CultureInfo.InvariantCulture);
int warmup = int.Parse(Arg("warmup", "3"), CultureInfo.InvariantCulture);
int hidden = int.Parse(Arg("hidden", "4096"), CultureInfo.InvariantCulture);
int projection = int.Parse(Arg("projection", "256"), CultureInfo.InvariantCulture);
int? threads = arguments.TryGetValue("threads", out var t) ? int.Parse(t, CultureInfo.InvariantCulture) : null;

var random = new Random(1);
var rows = Enumerable.Range(0, batch * 2).Select(_ => new Row
{
    Image = Enumerable.Range(0, 3 * size * size).Select(_ => (float)random.NextDouble()).ToArray(),
}).ToList();
var ml = new MLContext(1);
var schema = SchemaDefinition.Create(typeof(Row));
schema["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, size, size);
var data = ml.Data.LoadFromEnumerable(rows, schema);

TimeSpan start = TimeSpan.Zero, end = TimeSpan.Zero;
var options = new ByolOptions
{
    Architecture = architecture, WidthMultiplier = width, ImageSize = size, BatchSize = batch,
    ProjectorHiddenSize = hidden, PredictorHiddenSize = hidden, ProjectionSize = projection,
    Epochs = 1_000_000, MaxSteps = warmup + steps, Device = "cpu", NumberOfThreads = threads, Seed = 1,
    Progress = new StepClock(p =>
    {
        if (p.Step == warmup) start = p.Elapsed;
        if (p.Step == warmup + steps) end = p.Elapsed;
    }),
};
using var model = ml.Transforms.ByolPretrain(options).Fit(data);
double seconds = (end - start).TotalSeconds / steps;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{architecture} x{width} {(options.SmallImageStem ?? size <= 64 ? "small" : "standard")} stem, {size} px, batch {batch}, " +
    $"projector {hidden}/{projection}: {seconds:F3} s/step, {batch / seconds:F1} pairs/s (mean of {steps} steps after {warmup} warm-up steps, {Environment.ProcessorCount} cores)"));

internal sealed class Row
{
    public float[] Image { get; set; } = Array.Empty<float>();
}

internal sealed class StepClock(Action<ByolProgress> report) : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => report(value);
}
