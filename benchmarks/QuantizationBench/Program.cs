using System.CommandLine;
using QuantizationBench;

var dataset = new Option<string>("--dataset") { Description = "Fashion-MNIST folder", DefaultValueFactory = _ => ByolFashionMnist.FashionMnist.DefaultFolder };
var encoder = new Option<string[]>("--encoder")
{
    Description = "A float32 BYOL encoder (.onnx); repeat it to compare several in one run (their speed rounds alternate); " +
        "default: ML.NET's ImageNet ResNet-18 imported at --image-size, no BYOL step",
    DefaultValueFactory = _ => Array.Empty<string>(),
};
var imageSize = new Option<int>("--image-size") { Description = "Image size of the imported ResNet-18 (without --encoder)", DefaultValueFactory = _ => 64 };
var train = new Option<int>("--train") { Description = "Training images of the probes", DefaultValueFactory = _ => 10_000 };
var test = new Option<int>("--test") { Description = "Test images of the probes", DefaultValueFactory = _ => 5_000 };
var calibration = new Option<int>("--calibration") { Description = "Calibration images of the Int8 export (the first training images)", DefaultValueFactory = _ => 256 };
var rounds = new Option<int>("--rounds") { Description = "Speed rounds, Float32 and Int8 alternating (0: no speed part)", DefaultValueFactory = _ => 5 };
var speedImages = new Option<int>("--speed-images") { Description = "Test images embedded per speed round and precision", DefaultValueFactory = _ => 1_000 };
var work = new Option<string>("--work") { Description = "Folder for the exported encoders", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "byol-quantization-bench") };
var skipProbe = new Option<bool>("--speed-only") { Description = "Skip the probes (accuracy) and measure speed only" };

var root = new RootCommand("Float32 vs Int8 encoders: linear-probe accuracy on Fashion-MNIST, and images/s (median of alternating rounds).")
{
    dataset, encoder, imageSize, train, test, calibration, rounds, speedImages, work, skipProbe,
};
root.SetAction(parse => QuantizationRun.Run(new QuantizationSettings(
    parse.GetValue(dataset)!, parse.GetValue(encoder) ?? Array.Empty<string>(), parse.GetValue(imageSize), parse.GetValue(train), parse.GetValue(test),
    parse.GetValue(calibration), parse.GetValue(rounds), parse.GetValue(speedImages), parse.GetValue(work)!, parse.GetValue(skipProbe))));
return root.Parse(args).Invoke();
