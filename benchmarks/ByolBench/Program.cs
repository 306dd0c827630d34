using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ByolBench;
using EmbedBench;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// Times BYOL training steps through the public API on random 3-channel byte-valued images (k/255; the image cache
// is built before the clock starts; the first steps are warm-up and not counted). The trainer's phase profile
// (BYOL_PROFILE_PHASES) is switched on and its summary read from the MLContext log. Usage:
//   dotnet run -c Release --project benchmarks/ByolBench -- [--arch ResNet18] [--width 1] [--size 32] [--batch 64]
//       [--steps 20] [--warmup 3] [--threads N] [--hidden 4096] [--projection 256] [--json]
//       [--photos /tmp/byol-cache-photos] [--source-scale 1.5] [--variants default,channels-last,relu_ [--rounds 3]]
// --photos trains on the image files of a folder instead (LoadImages; the first 2 × batch files, sorted by name, cached
// whole at --source-scale × --size, so every step crops and scales down from that cache); CacheBench makes such a folder.
// --json prints one JSON line (the format of benchmarks/pytorch/byol_step.py) instead of the sentence.
// --variants runs an A/B comparison of the step's kernel switches (Variant.cs, Torch/StepKernels.cs) in this process:
// each round runs every variant once (warm-up + timed steps), then measures the float32 matmul peak; it prints the
// median s/step of each variant, its speed against the first, and the useful GFLOP/s (StepFlops.cs) beside the peak.
// BYOL_PROFILE_STAGES=1 in the environment adds the encoders' forward time per stage (stem, layer1..4, pool).
// The options (System.CommandLine, ByolBenchCommand.cs) are listed by --help; an unknown option is an error.
// The fast allocator for CPU training (README, 'Memory and speed on CPU'): run again under jemalloc when it is installed.
if (Microsoft.ML.Byol.ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
return ByolBenchCommand.Create(Run).Parse(args).Invoke();

int Run(ByolBenchSettings settings)
{
    var (architecture, width, size, batch, steps, warmup, threads, hidden, projection, json, photos, sourceScale, variantList, rounds) = settings;
    bool smallStem = size <= 64; // the library's choice when ByolOptions.SmallImageStem is unset
    double stepGflop = StepFlops.Of(architecture, width, smallStem, size, batch, hidden, projection) / 1e9;
    var inv = CultureInfo.InvariantCulture;

    if (variantList is null)
    {
        var m = Measure(settings);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["impl"] = "torchsharp", ["arch"] = architecture.ToString().ToLowerInvariant(), ["width"] = width, ["size"] = size,
                ["smallStem"] = smallStem, ["batch"] = batch, ["steps"] = steps, ["warmup"] = warmup, ["threads"] = threads ?? 0,
                ["hidden"] = hidden, ["projection"] = projection, ["photos"] = photos ?? "", ["sourceScale"] = photos is null ? 0 : sourceScale,
                ["secondsPerStep"] = m.Seconds, ["pairsPerSecond"] = batch / m.Seconds, ["peakRssMiB"] = m.PeakRssMiB, ["phases"] = m.Phases,
                ["systemSecondsPerStep"] = m.SystemSeconds, ["allocator"] = ByolFastAllocator.CurrentAllocator,
                ["threadChoice"] = m.ThreadLine ?? "", ["usefulGflopPerStep"] = stepGflop,
                ["channelsLast"] = Microsoft.ML.Byol.Torch.StepKernels.For(width, TorchSharp.DeviceType.CPU).ChannelsLast,
            }));
        }
        else
        {
            string source = photos is null ? ""
                : string.Create(inv, $" from {photos} cached whole at {sourceScale:G3}× ({Math.Round(sourceScale * size, MidpointRounding.AwayFromZero)} px)");
            Console.WriteLine(string.Create(inv,
                $"{architecture} x{width} {(smallStem ? "small" : "standard")} stem, {size} px{source}, batch {batch}, " +
                $"projector {hidden}/{projection}: {m.Seconds:F3} s/step, {batch / m.Seconds:F1} pairs/s, {stepGflop / m.Seconds:F1} useful GFLOP/s " +
                $"(mean of {steps} steps after {warmup} warm-up steps, {Environment.ProcessorCount} cores), peak RSS {m.PeakRssMiB:F0} MiB"));
            Console.WriteLine(string.Join(", ", m.Phases.Select(p => string.Create(inv, $"{p.Key} {p.Value:F3} s"))));
            if (m.Stages.Count > 0)
                Console.WriteLine("forward stages: " + string.Join(", ", m.Stages.Select(p => string.Create(inv, $"{p.Key} {p.Value:F3} s"))));
            Console.WriteLine(m.ThreadLine ?? "(no thread-count line in the log)");
        }
        return 0;
    }

    // A/B: the variants alternate within each round, in one process (same image cache, same native heap); the float32
    // matmul peak is measured after every round on the same threads, and the highest is the reference.
    var (variants, _) = Variant.ParseList(variantList);
    var measured = variants.ToDictionary(v => v.Name, _ => new List<Measurement>());
    var peaks = new List<double>();
    Console.WriteLine(string.Create(inv,
        $"A/B: {architecture} x{width} {(smallStem ? "small" : "standard")} stem, {size} px, batch {batch}, projector {hidden}/{projection}; " +
        $"{rounds} round(s) of {string.Join(" / ", variants.Select(v => v.Name))}, {warmup} warm-up + {steps} timed steps each; " +
        $"{stepGflop:F1} useful GFLOP per step; {Environment.ProcessorCount} cores"));
    for (int round = 1; round <= rounds; round++)
    {
        foreach (var variant in variants)
        {
            variant.Apply();
            var m = Measure(settings);
            measured[variant.Name].Add(m);
            string phases = string.Join(" ", m.Phases.Select(p => string.Create(inv, $"{p.Key}={p.Value:F3}")));
            Console.WriteLine(string.Create(inv,
                $"  round {round} {variant.Name,-24} {m.Seconds,7:F3} s/step {stepGflop / m.Seconds,7:F1} GFLOP/s  system {m.SystemSeconds:F3} s/step  {phases}"));
            if (round == 1 && variant == variants[0])
                Console.WriteLine($"  {m.ThreadLine ?? "(no thread-count line in the log)"}");
        }
        peaks.Add(MatmulPeak.Measure());
        Console.WriteLine(string.Create(inv, $"  float32 matmul peak after round {round} (TorchSharp 2048×2048, best of 3×8): {peaks[^1]:F1} GFLOP/s"));
    }
    Variant.Clear();

    double peak = peaks.Max();
    double first = Median(measured[variants[0].Name].Select(m => m.Seconds));
    Console.WriteLine();
    Console.WriteLine(string.Create(inv, $"float32 matmul peak: highest of {peaks.Count}, {peak:F1} GFLOP/s (lowest {peaks.Min():F1})"));
    Console.WriteLine($"| variant | s/step (median of {rounds}) | pairs/s | speed vs {variants[0].Name} | useful GFLOP/s | % of matmul peak | s/step per round |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
    foreach (var variant in variants)
    {
        var runs = measured[variant.Name];
        double seconds = Median(runs.Select(m => m.Seconds));
        Console.WriteLine(string.Create(inv,
            $"| {variant.Name} | {seconds:F3} | {batch / seconds:F1} | {first / seconds:F3} | {stepGflop / seconds:F1} | {100 * stepGflop / seconds / peak:F1} % | " +
            $"{string.Join(", ", runs.Select(m => m.Seconds.ToString("F3", inv)))} |"));
    }
    Console.WriteLine("Phases and forward stages, median s/step:");
    foreach (var variant in variants)
    {
        var runs = measured[variant.Name];
        var names = runs[0].Phases.Keys.Concat(runs[0].Stages.Keys);
        Console.WriteLine($"  {variant.Name}: " + string.Join(" ", names.Select(n => string.Create(inv,
            $"{n}={Median(runs.Select(m => m.Phases.GetValueOrDefault(n, m.Stages.GetValueOrDefault(n)))):F3}"))));
    }
    return 0;
}

// One Fit: warm-up + timed steps through the public API, the phase and stage profile read from the log.
static Measurement Measure(ByolBenchSettings settings)
{
    var (architecture, width, size, batch, steps, warmup, threads, hidden, projection, _, photos, sourceScale, _, _) = settings;
    Environment.SetEnvironmentVariable("BYOL_PROFILE_PHASES", "1");
    Environment.SetEnvironmentVariable("BYOL_PROFILE_SKIP", warmup.ToString(CultureInfo.InvariantCulture));
    var ml = new MLContext(1);
    string? phaseLine = null, stageLine = null, threadLine = null;
    ml.Log += (_, e) =>
    {
        if (e.Message.Contains("BYOL phases:", StringComparison.Ordinal))
            phaseLine = e.Message;
        if (e.Message.Contains("BYOL forward stages:", StringComparison.Ordinal))
            stageLine = e.Message;
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
    return new Measurement((end - start).TotalSeconds / steps, (systemEnd - systemStart).TotalSeconds / steps, peakRssMiB,
        Values(phaseLine), Values(stageLine), threadLine);
}

static Dictionary<string, double> Values(string? line) => Regex.Matches(line ?? "", @"(\w+)=([0-9.eE+-]+)")
    .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(v => v).ToArray();
    int n = sorted.Length;
    return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
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

/// <summary>One measured Fit: mean seconds and system seconds per timed step, peak RSS, the phase and stage profile.</summary>
internal sealed record Measurement(double Seconds, double SystemSeconds, double PeakRssMiB,
    Dictionary<string, double> Phases, Dictionary<string, double> Stages, string? ThreadLine);

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
