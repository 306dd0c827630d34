using System.CommandLine;
using Microsoft.ML.Byol;
using Microsoft.ML.Byol.Cli;

namespace ByolFashionMnist;

/// <summary>The command line (System.CommandLine) → <see cref="Settings"/> → the job.</summary>
internal static class SampleCommand
{
    public static RootCommand Create(Func<Settings, int> run)
    {
        var folder = new Option<string>("--fashion-mnist")
        {
            Description = "folder with the four Fashion-MNIST IDX .gz files (installed with 'apt-get install -y dataset-fashion-mnist' when missing and running as root)",
            DefaultValueFactory = _ => FashionMnist.DefaultFolder,
        };
        var images = new Option<string?>("--images") { Description = "train on a folder of images instead (one sub-folder per class; the class names are used by the probes only)" };
        var output = new Option<string>("--out") { Description = "where encoder.onnx, model.zip, checkpoints and result.txt go", DefaultValueFactory = _ => "byol-output" };
        var budget = new Option<double>("--budget-minutes") { Description = "time budget of the BYOL steps (ByolOptions.TimeBudget)", DefaultValueFactory = _ => 5 };
        var size = new Option<int>("--image-size") { Description = "training size in pixels (the encoder embeds at about 1.56 × that, ByolOptions.EmbeddingImageSize)", DefaultValueFactory = _ => 64 };
        var initial = new Option<string?>("--initial-encoder") { Description = "weights to start from (ONNX ResNet, .pt/.pth, .safetensors); default: ML.NET's ImageNet ResNet-18 copied beside the app" };
        var randomInit = new Option<bool>("--random-init") { Description = "start from random weights instead (with --arch and --width)" };
        var arch = new Option<ByolArchitecture>("--arch") { Description = "encoder architecture with --random-init", DefaultValueFactory = _ => ByolArchitecture.ResNet18 };
        var width = new Option<float?>("--width") { Description = "width multiplier with --random-init (default: the recipe's)" };
        var epochs = new Option<int?>("--epochs") { Description = "cap on the passes over the images (default: the recipe's)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = "cap on the optimizer steps" };
        var batch = new Option<int?>("--batch") { Description = "batch size (default: the recipe's)" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "use only the first N training images" };
        var testLimit = new Option<int?>("--test-limit") { Description = "use only the first N test images" };
        var probeTrain = new Option<int>("--probe-train") { Description = "train the probes on the first N training images (0 = all)", DefaultValueFactory = _ => 20000 };
        var device = new Option<string>("--device") { Description = "auto | cpu | cuda | cuda:N", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int?>("--threads") { Description = "TorchSharp CPU threads" };
        var seed = new Option<int>("--seed") { Description = "MLContext seed", DefaultValueFactory = _ => 1 };
        OptionRules.Positive(budget);
        OptionRules.Positive(size);
        OptionRules.Positive(width);
        OptionRules.Positive(epochs);
        OptionRules.NonNegative(maxSteps);
        OptionRules.Positive(batch);
        OptionRules.Positive(trainLimit);
        OptionRules.Positive(testLimit);
        OptionRules.NonNegative(probeTrain);
        OptionRules.Positive(threads);

        var root = new RootCommand(
            "BYOL on Fashion-MNIST (or a folder of images) from ML.NET's ImageNet ResNet-18 within a time budget, then a linear probe on the " +
            "BYOL embeddings beside the same probe on the imported encoder with no BYOL step and on raw pixels.")
        {
            folder, images, output, budget, size, initial, randomInit, arch, width, epochs, maxSteps, batch, trainLimit, testLimit, probeTrain, device, threads, seed,
        };
        root.SetAction(parse => run(new Settings
        {
            FashionMnistFolder = parse.GetValue(folder)!,
            ImageFolder = parse.GetValue(images),
            Output = parse.GetValue(output)!,
            BudgetMinutes = parse.GetValue(budget),
            ImageSize = parse.GetValue(size),
            InitialEncoder = parse.GetValue(initial),
            RandomInit = parse.GetValue(randomInit),
            Architecture = parse.GetValue(arch),
            Width = parse.GetValue(width),
            Epochs = parse.GetValue(epochs),
            MaxSteps = parse.GetValue(maxSteps),
            BatchSize = parse.GetValue(batch),
            TrainLimit = parse.GetValue(trainLimit),
            TestLimit = parse.GetValue(testLimit),
            ProbeTrainLimit = parse.GetValue(probeTrain) is var n && n > 0 ? n : null,
            Device = parse.GetValue(device)!,
            Threads = parse.GetValue(threads),
            Seed = parse.GetValue(seed),
        }));
        return root;
    }
}
