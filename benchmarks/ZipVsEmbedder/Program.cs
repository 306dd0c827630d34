using System.Diagnostics;
using System.Globalization;
using ByolFashionMnist;
using Microsoft.ML;
using Microsoft.ML.Byol;
using Microsoft.ML.Data;

// A trained encoder on real image files: ByolEmbedder.EmbedFiles against the saved model.zip reloaded in plain ML.NET
// (ML.NET's own per-row chain: LoadImages → ResizeImages → ExtractPixels → OnnxTransformer), same files, same outputs.
//   dotnet run -c Release --project benchmarks/ZipVsEmbedder -- <encoder.onnx> [--images 2000] [--fashion-mnist DIR]
if (args.Length < 1 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("Usage: ZipVsEmbedder <encoder.onnx from the main job (byol-output/encoder.onnx)> [--images N] [--fashion-mnist DIR]");
    return 1;
}
string onnx = args[0];
int count = args.SkipWhile(a => a != "--images").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(2000);
string dataset = args.SkipWhile(a => a != "--fashion-mnist").Skip(1).FirstOrDefault() ?? FashionMnist.DefaultFolder;
if (!FashionMnist.IsPresent(dataset))
{
    Console.Error.WriteLine($"Fashion-MNIST is not in {dataset} (apt-get install dataset-fashion-mnist).");
    return 2;
}

string folder = Path.Combine(Path.GetTempPath(), "byol-zip-vs-embedder-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    // Real images as files: the Fashion-MNIST test images written as PNG.
    var rows = new List<FileRow>();
    foreach (var (row, i) in FashionMnist.Load(dataset, "test", count).Select((r, i) => (r, i)))
    {
        var rgba = new byte[28 * 28 * 4];
        for (int p = 0; p < 784; p++)
        {
            byte v = (byte)Math.Round(row.Image[p] * 255);
            (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = (v, v, v, 255);
        }
        string path = Path.Combine(folder, $"{i:D5}.png");
        using (var image = MLImage.CreateFromPixels(28, 28, MLPixelFormat.Rgba32, rgba))
            image.Save(path);
        rows.Add(new FileRow { Path = path, Label = row.Label });
    }

    // The model zip a user would save: LoadImages → the BYOL encoder, input schema (Path, Label).
    var ml = new MLContext(1);
    var input = ml.Data.LoadFromEnumerable(rows);
    using var encoder = ml.Transforms.ApplyByolEncoder(onnx);
    var loader = ml.Transforms.LoadImages("Image", null, "Path").Fit(input);
    var chain = new TransformerChain<ITransformer>(loader, encoder);
    chain.Transform(input).GetColumn<float[]>("Embedding").Take(1).ToList(); // binds the image chain that Save writes
    string zip = Path.Combine(folder, "model.zip");
    ml.Model.Save(chain, input.Schema, zip);
    var paths = rows.Select(r => r.Path).ToList();

    double ZipSeconds(out List<float[]> outputs)
    {
        var fresh = new MLContext(1);
        var loaded = fresh.Model.Load(zip, out _);
        var watch = Stopwatch.StartNew();
        outputs = loaded.Transform(fresh.Data.LoadFromEnumerable(rows)).GetColumn<float[]>("Embedding").ToList();
        return watch.Elapsed.TotalSeconds;
    }

    double EmbedderSeconds(out float[][] outputs)
    {
        using var embedder = ByolEmbedder.Load(onnx);
        var watch = Stopwatch.StartNew();
        outputs = embedder.EmbedFiles(paths);
        return watch.Elapsed.TotalSeconds;
    }

    ZipSeconds(out _);          // warm-up of both paths
    EmbedderSeconds(out _);
    var zipTimes = new List<double>();
    var embedderTimes = new List<double>();
    List<float[]> zipOut = new();
    float[][] embedderOut = Array.Empty<float[]>();
    for (int rep = 0; rep < 3; rep++)
    {
        zipTimes.Add(ZipSeconds(out zipOut));
        embedderTimes.Add(EmbedderSeconds(out embedderOut));
    }
    double maxDiff = zipOut.Zip(embedderOut, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
    var info = ByolEncoderInfo.FromOnnx(onnx);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; encoder {info}; {count} Fashion-MNIST PNG files"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"model.zip reloaded in ML.NET (per row): best {count / zipTimes.Min():F0} images/s (runs: {string.Join(", ", zipTimes.Select(t => $"{count / t:F0}"))})"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"ByolEmbedder.EmbedFiles (batch 32):     best {count / embedderTimes.Min():F0} images/s (runs: {string.Join(", ", embedderTimes.Select(t => $"{count / t:F0}"))})"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"speed-up {zipTimes.Min() / embedderTimes.Min():F2}× (best vs best); max |difference| of the embeddings {maxDiff:E2}"));
    return maxDiff <= 1e-4 ? 0 : 3;
}
finally
{
    Directory.Delete(folder, recursive: true);
}
