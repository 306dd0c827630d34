using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.ML.Byol;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace ZipVsEmbedder;

/// <summary>The settings of one ZipVsEmbedder run (the options of <see cref="ZipVsEmbedderCommand"/>).</summary>
/// <param name="Encoder">A float32 encoder file; null: make one from <paramref name="Weights"/>, architecture, width and size.</param>
/// <param name="Weights"><c>imagenet</c> (ML.NET's ResNet-18 imported) or <c>random</c> (seeded initialisation).</param>
/// <param name="Files"><c>photos</c> (the gnome-backgrounds folder) or <c>fashion-mnist</c> (test images written as PNG).</param>
/// <param name="Images">Files per pass; null: every photo of the folder, or 2000 Fashion-MNIST images.</param>
internal sealed record ZipVsEmbedderSettings(
    string? Encoder, string Weights, ByolArchitecture Architecture, float Width, int Size, string Files, string Folder, string FashionMnist,
    int? Images, bool Int8, int Calibration, int Rounds, int Batch, bool Write, bool ReducedDecoding = false);

/// <summary>The command line (System.CommandLine): options → <see cref="ZipVsEmbedderSettings"/> → the benchmark.</summary>
internal static class ZipVsEmbedderCommand
{
    public static RootCommand Create(Func<ZipVsEmbedderSettings, int> run)
    {
        var encoder = new Option<string?>("--encoder") { Description = "a float32 BYOL encoder (.onnx); default: made in the run from --weights, --arch, --width, --size" };
        var weights = new Option<string>("--weights")
        {
            Description = "without --encoder: 'imagenet' (ML.NET's ImageNet ResNet-18 imported at --size, no BYOL step) or 'random' (--arch, --width, seed 1)",
            DefaultValueFactory = _ => "imagenet",
        };
        weights.AcceptOnlyFromAmong("imagenet", "random");
        var arch = new Option<ByolArchitecture?>("--arch")
        {
            Description = $"with --weights random: the architecture ({string.Join(", ", Enum.GetNames<ByolArchitecture>())}; default ResNet18)",
        };
        var width = new Option<float?>("--width")
        {
            Description = "with --weights random: the width multiplier (default 1)",
            CustomParser = r => r.Tokens.Single().Value is var text && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w > 0
                ? w
                : Fail<float?>(r, $"--width must be a positive number, not '{text}'."),
        };
        var size = Positive(new Option<int>("--size") { Description = "without --encoder: the encoder's image size (<= 64 selects the small stem for random weights)", DefaultValueFactory = _ => 224 });
        var files = new Option<string>("--files")
        {
            Description = "'photos': the real-photo folder (--folder; made from /usr/share/backgrounds/gnome when missing, as CacheBench does); " +
                "'fashion-mnist': the test images written as 28 px PNG files",
            DefaultValueFactory = _ => "photos",
        };
        files.AcceptOnlyFromAmong("photos", "fashion-mnist");
        var folder = new Option<string>("--folder") { Description = "the photo folder", DefaultValueFactory = _ => ByolBenchmarks.PhotoFolder.DefaultFolder };
        var fashionMnist = new Option<string>("--fashion-mnist") { Description = "the Fashion-MNIST folder", DefaultValueFactory = _ => ByolFashionMnist.FashionMnist.DefaultFolder };
        var images = Positive(new Option<int?>("--images") { Description = "files per pass (default: every photo once, or 2000 Fashion-MNIST images); photos repeat in name order when more than the folder holds" });
        var int8 = new Option<bool>("--int8") { Description = "also time EmbedFiles with the encoder exported as Int8 (ExportOnnx(path, Int8, calibration)) and compare its embeddings with float32" };
        var calibration = Positive(new Option<int>("--calibration") { Description = "with --int8: calibration images, taken evenly from the same files", DefaultValueFactory = _ => 64 });
        var rounds = Positive(new Option<int>("--rounds") { Description = "timed rounds after one warm-up; each runs every path once, in order (medians are reported)", DefaultValueFactory = _ => 5 });
        var batch = Positive(new Option<int>("--batch") { Description = "ByolEmbedderOptions.BatchSize of EmbedFiles", DefaultValueFactory = _ => 32 });
        var reduced = new Option<bool>("--reduced-decoding") { Description = "also time each EmbedFiles path with ByolEmbedderOptions.ReducedSizeDecoding and compare its embeddings with the full decode's" };
        var noWrite = new Option<bool>("--no-write") { Description = "do not write the result into benchmarks/results/latest.json (section zipVsEmbedder)" };

        var root = new RootCommand(
            "A saved model.zip (LoadImages → BYOL transformer) reloaded in plain ML.NET and scored per row, against ByolEmbedder.EmbedFiles " +
            "(float32, and Int8 with --int8) on the same image files, in alternating rounds of one process.")
        {
            encoder, weights, arch, width, size, files, folder, fashionMnist, images, int8, calibration, rounds, batch, noWrite, reduced,
        };
        root.Validators.Add(r =>
        {
            if (r.GetValue(weights) == "imagenet" && (r.GetValue(arch) is not null || r.GetValue(width) is not null))
                r.AddError("--arch and --width go with --weights random (--weights imagenet is ML.NET's ResNet-18 at width 1).");
            if (r.GetValue(encoder) is not null && (r.GetValue(arch) is not null || r.GetValue(width) is not null))
                r.AddError("--arch and --width make an encoder; they cannot be combined with --encoder.");
            if (r.GetValue(encoder) is { } path && !File.Exists(path))
                r.AddError($"The encoder '{path}' does not exist.");
        });
        root.SetAction(parse => run(new ZipVsEmbedderSettings(
            parse.GetValue(encoder), parse.GetValue(weights)!, parse.GetValue(arch) ?? ByolArchitecture.ResNet18, parse.GetValue(width) ?? 1f, parse.GetValue(size), parse.GetValue(files)!,
            parse.GetValue(folder)!, parse.GetValue(fashionMnist)!, parse.GetValue(images), parse.GetValue(int8), parse.GetValue(calibration),
            parse.GetValue(rounds), parse.GetValue(batch), !parse.GetValue(noWrite), parse.GetValue(reduced))));
        return root;
    }

    private static T Fail<T>(ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
    }
}
