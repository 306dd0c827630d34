using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ByolBench;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// Times BYOL training steps through the public API on random 3-channel byte-valued images (k/255; the image cache
// is built before the clock starts; the first steps are warm-up and not counted). The trainer's phase profile
// (BYOL_PROFILE_PHASES) is switched on and its summary read from the MLContext log. Usage:
//   dotnet run -c Release --project benchmarks/ByolBench -- [--arch ResNet18] [--width 1] [--size 32] [--batch 64]
//       [--steps 20] [--warmup 3] [--threads N] [--hidden 4096] [--projection 256] [--json]
//       [--photos /tmp/byol-cache-photos] [--source-scale 1.5]
// --photos trains on the image files of a folder instead (LoadImages; the first 2 × batch files, sorted by name, cached
// whole at --source-scale × --size, so every step crops and scales down from that cache); CacheBench makes such a folder.
// --json prints one JSON line (the format of benchmarks/pytorch/byol_step.py) instead of the sentence.
// The options (System.CommandLine, ByolBenchCommand.cs) are listed by --help; an unknown option is an error.
// The fast allocator for CPU training (README, 'Memory and speed on CPU'): run again under jemalloc when it is installed.
if (Microsoft.ML.Byol.ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
return ByolBenchCommand.Create(Run).Parse(args).Invoke();

int Run(ByolBenchSettings settings)
{
    var (architecture, width, size, batch, steps, warmup, threads, hidden, projection, json, photos, sourceScale) = settings;

    Environment.SetEnvironmentVariable("BYOL_PROFILE_PHASES", "1");
    Environment.SetEnvironmentVariable("BYOL_PROFILE_SKIP", warmup.ToString(CultureInfo.InvariantCulture));
    var ml = new MLContext(1);
    string? phaseLine = null, threadLine = null;
    ml.Log += (_, e) =>
    {
        if (e.Message.Contains("BYOL phases:", StringComparison.Ordinal))
            phaseLine = e.Message;
        if (threadLine is null && e.Message.Contains(" CPU thread", StringComparison.Ordinal))
            threadLine = e.Message[(e.Message.IndexOf("BYOL:", StringComparison.Ordinal) is var i and >= 0 ? i : 0)..];
    };
    var data = photos is null ? RandomVectors(ml, batch * 2, size) : Photos(ml, photos, batch * 2);

    TimeSpan start = TimeSpan.Zero, end = TimeSpan.Zero, systemStart = TimeSpan.Zero, systemEnd = TimeSpan.Zero;
    double peakRssMiB = 0;
    var options = new ByolOptions
    {
        Architecture = architecture, WidthMultiplier = width, ImageSize = size, BatchSize = batch,
        ProjectorHiddenSize = hidden, PredictorHiddenSize = hidden, ProjectionSize = projection,
        Epochs = 1_000_000, MaxSteps = warmup + steps, Device = "cpu", NumberOfThreads = threads, Seed = 1, SourceImageScale = sourceScale,
        Progress = new StepClock(p =>
        {
            if (p.Step == warmup)
                (start, systemStart) = (p.Elapsed, SystemTime());
            if (p.Step == warmup + steps)
            {
                (end, systemEnd) = (p.Elapsed, SystemTime());
                peakRssMiB = PeakRssMiB(); // before the ONNX export that follows training
            }
        }),
    };
    using var model = ml.Transforms.ByolPretrain(options).Fit(data);
    double seconds = (end - start).TotalSeconds / steps;
    bool smallStem = options.SmallImageStem ?? size <= 64;
    var phases = Regex.Matches(phaseLine ?? "", @"(\w+)=([0-9.eE+-]+)")
        .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    if (json)
    {
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["impl"] = "torchsharp", ["arch"] = architecture.ToString().ToLowerInvariant(), ["width"] = width, ["size"] = size,
            ["smallStem"] = smallStem, ["batch"] = batch, ["steps"] = steps, ["warmup"] = warmup, ["threads"] = threads ?? 0,
            ["hidden"] = hidden, ["projection"] = projection, ["photos"] = photos ?? "", ["sourceScale"] = photos is null ? 0 : sourceScale,
            ["secondsPerStep"] = seconds, ["pairsPerSecond"] = batch / seconds, ["peakRssMiB"] = peakRssMiB, ["phases"] = phases,
            ["systemSecondsPerStep"] = (systemEnd - systemStart).TotalSeconds / steps, ["allocator"] = ByolFastAllocator.CurrentAllocator,
            ["threadChoice"] = threadLine ?? "",
        }));
    }
    else
    {
        string source = photos is null ? ""
            : string.Create(CultureInfo.InvariantCulture, $" from {photos} cached whole at {sourceScale:G3}× ({Math.Round(sourceScale * size, MidpointRounding.AwayFromZero)} px)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{architecture} x{width} {(smallStem ? "small" : "standard")} stem, {size} px{source}, batch {batch}, " +
            $"projector {hidden}/{projection}: {seconds:F3} s/step, {batch / seconds:F1} pairs/s (mean of {steps} steps after {warmup} warm-up steps, {Environment.ProcessorCount} cores), " +
            $"peak RSS {peakRssMiB:F0} MiB"));
        Console.WriteLine(string.Join(", ", phases.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:F3} s"))));
        Console.WriteLine(threadLine ?? "(no thread-count line in the log)");
    }

    return 0;
}

// Random 3-channel byte-valued images (k/255) as a C×S×S float-vector column (cached as given).
static IDataView RandomVectors(MLContext ml, int count, int size)
{
    var random = new Random(1);
    var rows = Enumerable.Range(0, count).Select(_ => new Row
    {
        Image = Enumerable.Range(0, 3 * size * size).Select(_ => random.Next(256) / 255f).ToArray(),
    }).ToList();
    var schema = SchemaDefinition.Create(typeof(Row));
    schema["Image"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3, size, size);
    return ml.Data.LoadFromEnumerable(rows, schema);
}

// The first count image files of a folder (sorted by name), as LoadImages' column "Image".
static IDataView Photos(MLContext ml, string folder, int count)
{
    var files = Directory.GetFiles(folder).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp")
        .Order(StringComparer.Ordinal).Take(count).Select(f => new PathRow { Path = f }).ToList();
    if (files.Count == 0)
        throw new ArgumentException($"No JPEG, PNG or WebP files in '{folder}'.");
    var rows = ml.Data.LoadFromEnumerable(files);
    return ml.Transforms.LoadImages("Image", null, "Path").Fit(rows).Transform(rows);
}

// Kernel CPU time of this process so far (page faults, memory mapping).
static TimeSpan SystemTime()
{
    using var process = System.Diagnostics.Process.GetCurrentProcess();
    return process.PrivilegedProcessorTime;
}

// Peak resident set (VmHWM) of this process so far, in MiB; 0 where /proc is missing.
static double PeakRssMiB()
{
    const string status = "/proc/self/status";
    if (!File.Exists(status))
        return 0;
    var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}

internal sealed class Row
{
    public float[] Image { get; set; } = Array.Empty<float>();
}

internal sealed class PathRow
{
    public string Path { get; set; } = "";
}

internal sealed class StepClock(Action<ByolProgress> report) : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => report(value);
}
