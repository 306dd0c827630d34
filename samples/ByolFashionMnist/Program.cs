using System.Diagnostics;
using System.Globalization;
using ByolFashionMnist;
using Microsoft.ML;
using Microsoft.ML.Byol;

// The main job: BYOL pretraining of a small ResNet on Fashion-MNIST (or a folder of images, one sub-folder per class),
// export of encoder.onnx and model.zip, then a linear probe (ML.NET multinomial logistic regression) on the frozen
// embeddings, printed beside the same probe on raw pixels.
var settings = Settings.Parse(args);
if (settings is null)
    return 1;
Directory.CreateDirectory(settings.Output);
var ml = new MLContext(seed: settings.Seed);
var total = Stopwatch.StartNew();

Dataset data;
try
{
    data = settings.ImageFolder is { } folder ? Dataset.FromFolder(ml, folder, settings.ImageSize) : Dataset.FromFashionMnist(ml, settings);
}
catch (FileNotFoundException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
Console.WriteLine($"Data: {data.Description}");

var options = new ByolOptions
{
    InputColumnName = data.ImageColumn,
    Architecture = settings.Architecture,
    WidthMultiplier = settings.Width,
    ImageSize = settings.ImageSize,
    ProjectorHiddenSize = settings.HiddenSize,
    PredictorHiddenSize = settings.HiddenSize,
    ProjectionSize = 128,
    Epochs = settings.Epochs,
    MaxSteps = settings.MaxSteps,
    BatchSize = settings.BatchSize,
    BaseLearningRate = settings.LearningRate,
    TrustCoefficient = settings.TrustCoefficient,
    WarmupEpochs = Math.Max(0.5, settings.Epochs / 10.0),
    TauBase = 0.99,
    View1 = ByolViewOptions.SmallImageView1(),
    View2 = ByolViewOptions.SmallImageView2(),
    Device = settings.Device,
    NumberOfThreads = settings.Threads,
    CheckpointDirectory = Path.Combine(settings.Output, "checkpoints"),
    CheckpointEverySteps = 200,
    Progress = new ConsoleProgress(everySteps: 20),
};
Console.WriteLine($"BYOL: {options.Architecture} ×{options.WidthMultiplier} at {options.ImageSize} px, batch {options.BatchSize}, " +
                  $"{options.Epochs} epochs{(options.MaxSteps is { } m ? $" (at most {m} steps)" : "")}, device {options.Device}.");

var pretrain = Stopwatch.StartNew();
using var model = ml.Transforms.ByolPretrain(options).Fit(data.Unlabelled);
pretrain.Stop();
Console.WriteLine($"Pretraining took {pretrain.Elapsed.TotalMinutes:F1} min; encoder: {model.EncoderInfo}");

string onnxPath = Path.Combine(settings.Output, "encoder.onnx");
string zipPath = Path.Combine(settings.Output, "model.zip");
model.ExportOnnx(onnxPath);
ml.Model.Save(model, data.SaveSchema, zipPath);
Console.WriteLine($"Wrote {onnxPath} and {zipPath}.");

Console.WriteLine("Linear probes (multinomial logistic regression, frozen features):");
var probe = Stopwatch.StartNew();
double byol = LinearProbe.Accuracy(ml, model.Transform(data.ProbeTrain), model.Transform(data.ProbeTest), "Embedding");
Console.WriteLine($"  BYOL embeddings ({model.EncoderInfo.EmbeddingSize}-d): {byol:P2}");
double raw = LinearProbe.Accuracy(ml, data.ProbeTrainPixels, data.ProbeTestPixels, data.PixelColumn);
Console.WriteLine($"  raw pixels:                  {raw:P2}");
Console.WriteLine($"Probes took {probe.Elapsed.TotalMinutes:F1} min; whole job {total.Elapsed.TotalMinutes:F1} min.");
File.WriteAllText(Path.Combine(settings.Output, "result.txt"), string.Create(CultureInfo.InvariantCulture,
    $"byol_linear_probe={byol:F4}\nraw_pixels_linear_probe={raw:F4}\npretrain_minutes={pretrain.Elapsed.TotalMinutes:F2}\ntotal_minutes={total.Elapsed.TotalMinutes:F2}\n"));
return 0;
