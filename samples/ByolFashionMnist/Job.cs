using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace ByolFashionMnist;

/// <summary>The job's steps: data, BYOL within the budget, export, the starting encoder (no BYOL step), three probes.</summary>
internal static class Job
{
    public static int Run(Settings settings)
    {
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
        if (settings.StartingWeights is { } weights && !File.Exists(weights))
        {
            Console.Error.WriteLine($"The initial encoder {weights} does not exist (the project references Microsoft.ML.DnnImageFeaturizer.ResNet18, which copies it beside the app).");
            return 2;
        }

        var options = settings.Options(data.ImageColumn);
        options.TimeBudget = TimeSpan.FromMinutes(settings.BudgetMinutes);
        if (settings.ImageFolder is null)
            options.SourceImageScale = 1.0; // 28 px pictures: a cache above the training size would hold no more detail, only more bytes
        options.MonitorLabelColumnName = "Label";   // kNN accuracy in the progress lines; labels never reach the BYOL loss
        options.CheckpointDirectory = Path.Combine(settings.Output, "checkpoints");
        options.Progress = new ConsoleProgress(everySteps: 20);
        Console.WriteLine($"BYOL from {settings.StartingWeights ?? $"random init ({options.Architecture})"} at {options.ImageSize} px, " +
                          $"time budget {settings.BudgetMinutes} min, device {options.Device}; the recipe picks the rest.");
        // The library's own lines (the recipe's choices, the cache pass, the time-budget plan, the monitor's decisions)
        // go to MLContext.Log; show them for the training run.
        bool training = true;
        ml.Log += (_, e) =>
        {
            int at = e.Message.IndexOf("BYOL:", StringComparison.Ordinal);
            if (training && at >= 0)
                Console.WriteLine("  " + e.Message[at..]);
        };
        var pretrain = Stopwatch.StartNew();
        using var model = ml.Transforms.ByolPretrain(options).Fit(data.Unlabelled);
        pretrain.Stop();
        training = false;
        Console.WriteLine($"Pretraining took {pretrain.Elapsed.TotalMinutes:F1} min; encoder: {model.EncoderInfo}");

        string onnxPath = Path.Combine(settings.Output, "encoder.onnx");
        string zipPath = Path.Combine(settings.Output, "model.zip");
        model.ExportOnnx(onnxPath);
        ml.Model.Save(model, data.SaveSchema, zipPath);
        Console.WriteLine($"Wrote {onnxPath} and {zipPath}.");

        // The same encoder before any BYOL step (MaxSteps = 0): what the pretraining adds is the difference.
        var startOptions = settings.Options(data.ImageColumn);
        startOptions.MaxSteps = 0;
        using var start = ml.Transforms.ByolPretrain(startOptions).Fit(data.Unlabelled);

        Console.WriteLine("Linear probes (multinomial logistic regression on frozen features, the same for all three):");
        var probe = Stopwatch.StartNew();
        double byol = LinearProbe.Accuracy(ml, model.Transform(data.ProbeTrain), model.Transform(data.ProbeTest), "Embedding");
        Console.WriteLine($"  BYOL embeddings ({model.EncoderInfo.EmbeddingSize}-d):  {byol:P2}");
        double before = LinearProbe.Accuracy(ml, start.Transform(data.ProbeTrain), start.Transform(data.ProbeTest), "Embedding");
        Console.WriteLine($"  {settings.StartName}: {before:P2}");
        double raw = LinearProbe.Accuracy(ml, data.ProbeTrainPixels, data.ProbeTestPixels, data.PixelColumn);
        Console.WriteLine($"  raw pixels:                     {raw:P2}");
        Console.WriteLine($"Probes took {probe.Elapsed.TotalMinutes:F1} min; whole job {total.Elapsed.TotalMinutes:F1} min.");
        File.WriteAllText(Path.Combine(settings.Output, "result.txt"), string.Create(CultureInfo.InvariantCulture,
            $"byol_linear_probe={byol:F4}\nstart_encoder_linear_probe={before:F4}\nraw_pixels_linear_probe={raw:F4}\n" +
            $"pretrain_minutes={pretrain.Elapsed.TotalMinutes:F2}\ntotal_minutes={total.Elapsed.TotalMinutes:F2}\n"));
        return 0;
    }
}
