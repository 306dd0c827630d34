using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Byol.Data;
using ByolBenchmarks;

// Times the training image cache on a folder of real photos, serial (ML.NET's LoadImages → ResizeImages →
// ExtractPixels on one cursor) against parallel (the direct decoder on every core), alternately in one run, and checks
// that both give the same bytes. Each pass reports its process CPU time too: on a shared machine the cores busy
// (CPU / wall) show how much of the parallelism the pass could get. Without a folder it makes one in /tmp from Debian's
// gnome-backgrounds (benchmarks/Shared/PhotoFolder.cs, shared with ZipVsEmbedder). Usage:
//   dotnet run -c Release --project benchmarks/CacheBench -- [--folder /tmp/byol-cache-photos] [--size 224] [--rounds 2] [--workers N]
//       [--whole-scale 1.5] [--reduced-decoding]
// --whole-scale caches whole pictures, fitted into a square of that multiple of --size and padded, as training does
// (ByolOptions.SourceImageScale); without it the cache holds the scoring view (centre crop at --size).
// --reduced-decoding adds a third pass, parallel with JPEG and WebP decoded at a reduced size
// (ByolOptions.ReducedSizeDecoding), and reports how far its bytes are from the full decode's.
var arguments = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
string Arg(string name, string fallback) => arguments.TryGetValue(name, out var v) ? v : fallback;
string folder = Arg("folder", PhotoFolder.DefaultFolder);
int size = int.Parse(Arg("size", "224"), CultureInfo.InvariantCulture);
int rounds = int.Parse(Arg("rounds", "2"), CultureInfo.InvariantCulture);
int? workers = arguments.TryGetValue("workers", out var w) ? int.Parse(w, CultureInfo.InvariantCulture) : null;
bool reducedPass = arguments.ContainsKey("reduced-decoding");
int? wholeSide = arguments.TryGetValue("whole-scale", out var ws) ? (int)Math.Round(double.Parse(ws, CultureInfo.InvariantCulture) * size, MidpointRounding.AwayFromZero) : null;

PhotoFolder.EnsureMade(folder);
var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
long totalBytes = files.Sum(f => new FileInfo(Path.Combine(folder, f!)).Length);
Console.WriteLine($"{files.Count} files in {folder} ({totalBytes / 1048576.0:F0} MB): " +
    string.Join(", ", files.GroupBy(f => Path.GetExtension(f)).Select(g => $"{g.Count()} {g.Key}")));
Console.WriteLine($"cache side {wholeSide ?? size}{(wholeSide is null ? " (centre crop)" : " (whole pictures, padded)")}, processors {Environment.ProcessorCount}, parallel workers {workers?.ToString(CultureInfo.InvariantCulture) ?? "auto"}");

var ml = new MLContext(1);
var rows = ml.Data.LoadFromEnumerable(files.Select(f => new PathRow { Path = f! }).ToList());
var data = ml.Transforms.LoadImages("Image", folder, "Path").Fit(rows).Transform(rows);
byte[]? reference = null;
var passes = new List<(string Name, bool Parallel, bool Reduced)> { ("serial", false, false), ("parallel", true, false) };
if (reducedPass)
    passes.Add(("reduced", true, true));
var rates = passes.ToDictionary(p => p.Name, _ => new List<double>());
for (int round = 0; round < rounds; round++)
{
    foreach (var (name, parallel, reduced) in passes)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using var store = ImageCacheBuilder.Build(ml.Transforms, data, "Image", new CacheDecoding(size, wholeSide, ReducedDecoding: reduced), long.MaxValue, null,
            CancellationToken.None, parallelFiles: parallel, workers: workers);
        double seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        using var all = store.Gather(Enumerable.Range(0, store.Count).Select(i => (long)i).ToArray());
        var bytes = all.bytes.ToArray();
        reference ??= bytes;
        bool same = bytes.AsSpan().SequenceEqual(reference);
        rates[name].Add(store.Count / seconds);
        string check = reduced ? $"mean |difference| to the full decode {MeanDifference(bytes, reference):F2} of 255" : $"bytes equal to the first pass: {same}";
        Console.WriteLine($"round {round + 1} {name,-8}: {store.Count} rows in {seconds:F2} s = {store.Count / seconds:F2} rows/s, CPU {cpu:F2} s ({cpu / seconds:F2} cores busy); {check}");
        if (!same && !reduced)
            return 1;
    }
}
double serialBest = rates["serial"].Max(), parallelBest = rates["parallel"].Max();
Console.WriteLine($"best: serial {serialBest:F2} rows/s, parallel {parallelBest:F2} rows/s, ratio {parallelBest / serialBest:F2}×" +
    (reducedPass ? $"; reduced decoding {rates["reduced"].Max():F2} rows/s, {rates["reduced"].Max() / parallelBest:F2}× the parallel full decode" : ""));
return 0;

static double MeanDifference(byte[] a, byte[] b)
{
    long sum = 0;
    for (int i = 0; i < a.Length; i++)
        sum += Math.Abs(a[i] - b[i]);
    return (double)sum / a.Length;
}

internal sealed class PathRow
{
    public string Path { get; set; } = "";
}
