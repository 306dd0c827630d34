using System.CommandLine;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace FashionMnistQuality;

/// <summary>The command line (System.CommandLine): options → <see cref="QualitySettings"/> → the benchmark.</summary>
internal static class QualityCommand
{
    public static RootCommand Create(Func<QualitySettings, int> run)
    {
        var only = new Option<string>("--only")
        {
            Description = "parts to run, comma-separated: a (ImageNet DnnFeaturizeImage features, 224 px), b (imported ImageNet ResNet-18, no BYOL), " +
                          "c (BYOL from ImageNet), d (BYOL from random init), raw (raw pixels)",
            DefaultValueFactory = _ => "a,b,c,d,raw",
        };
        only.Validators.Add(r =>
        {
            if (BenchmarkParts.Parse(r.GetValueOrDefault<string>() ?? "", out var error) is null)
                r.AddError(error!);
        });
        var budget = Positive(new Option<double>("--budget-minutes") { Description = "time budget of each BYOL run, (c) and (d)", DefaultValueFactory = _ => 30 });
        var steps = new Option<int?>("--steps") { Description = "a fixed number of steps for (c) and (d) instead of the budget (the result then does not depend on the machine's load)" };
        var folder = new Option<string>("--fashion-mnist")
        {
            Description = "folder with the four Fashion-MNIST IDX .gz files",
            DefaultValueFactory = _ => ByolFashionMnist.FashionMnist.DefaultFolder,
        };
        var output = new Option<string?>("--out") { Description = "work folder for checkpoints and encoders (default: a temporary folder, deleted at the end)" };
        var trainImages = new Option<int?>("--train-images", "--train-limit") { Description = "use only the first N training images (smoke runs)" };
        var testImages = new Option<int?>("--test-images", "--test-limit") { Description = "use only the first N test images (smoke runs)" };
        var size = Positive(new Option<int>("--imagenet-size") { Description = "training size of (b) and (c) in pixels", DefaultValueFactory = _ => 64 });
        var width = Positive(new Option<float>("--width") { Description = "width multiplier of (d)'s ResNet-18", DefaultValueFactory = _ => 0.25f });
        var curvePoints = Positive(new Option<int>("--curve-points") { Description = "encoders evaluated along each BYOL run", DefaultValueFactory = _ => 6 });
        var every = Positive(new Option<int>("--checkpoint-every") { Description = "steps between checkpoints of the BYOL runs", DefaultValueFactory = _ => 200 });
        var checkImages = Positive(new Option<int>("--check-images") { Description = "images compared between the batched path and DnnFeaturizeImage", DefaultValueFactory = _ => 200 });
        var threads = new Option<int?>("--threads") { Description = "TorchSharp CPU threads" };
        var seed = new Option<int>("--seed") { Description = "seed", DefaultValueFactory = _ => 1 };
        var noResults = new Option<bool>("--no-results") { Description = "do not write benchmarks/results (smoke runs)" };
        var encoders = new Option<string[]>("--encoders")
        {
            Description = "exported encoders (ONNX files of this library) to probe, each at its own image size, instead of the parts; writes no results",
            AllowMultipleArgumentsPerToken = true,
        };

        var root = new RootCommand(
            "Fashion-MNIST quality: ImageNet features (ML.NET's DnnFeaturizeImage ResNet-18), the imported ImageNet encoder, BYOL from " +
            "ImageNet and from random init within a time budget, and raw pixels, under one linear probe (60 000 train / 10 000 test) and a " +
            "cosine kNN (k = 200). Writes benchmarks/results/latest.json (\"quality\") and the curve CSV/PNG.")
        {
            only, budget, steps, folder, output, trainImages, testImages, size, width, curvePoints, every, checkImages, threads, seed, noResults, encoders,
        };
        root.SetAction(parse => run(new QualitySettings
        {
            Parts = BenchmarkParts.Parse(parse.GetValue(only)!, out _)!,
            BudgetMinutes = parse.GetValue(budget),
            Steps = parse.GetValue(steps),
            FashionMnistFolder = parse.GetValue(folder)!,
            Output = parse.GetValue(output),
            TrainImages = parse.GetValue(trainImages),
            TestImages = parse.GetValue(testImages),
            ImageNetTrainingSize = parse.GetValue(size),
            Width = parse.GetValue(width),
            CurvePoints = parse.GetValue(curvePoints),
            CheckpointEverySteps = parse.GetValue(every),
            CheckImages = parse.GetValue(checkImages),
            Threads = parse.GetValue(threads),
            Seed = parse.GetValue(seed),
            WriteResults = !parse.GetValue(noResults),
            Encoders = parse.GetValue(encoders) ?? [],
        }));
        return root;
    }
}
