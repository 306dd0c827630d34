using ByolFashionMnist;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// (c) BYOL from ML.NET's ImageNet ResNet-18 and (d) BYOL from random init, each within the budget, with the kNN
/// monitor; everything the benchmark is not about is left to the library's recipe.
/// </summary>
internal static class ByolParts
{
    /// <summary>The BYOL runs measured so far in this process (for the curve files).</summary>
    public static List<(BenchmarkPart Part, ByolRun.Outcome Outcome)> Runs { get; } = new();

    public static PartResult FromImageNet(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test, string work,
        IReadOnlyList<PartResult> earlier)
    {
        ImportCheck.Run(ml, settings, train, test, work);
        var options = ImageNetStart.Options(settings, settings.ImageNetTrainingSize);
        settings.ApplyLength(options);
        options.MonitorLabelColumnName = "Label";
        var start = earlier.FirstOrDefault(r => r.Part == BenchmarkPart.ImageNetNoByol) is { } b ? new ByolRun.CurvePoint(0, 0, b.Scores) : null;
        var outcome = new ByolRun("c", ml, settings, train, test).Run(options, GreyImageView.Create(ml, train.Rows), work, start);
        Runs.Add((BenchmarkPart.ByolFromImageNet, outcome));
        return Result(BenchmarkPart.ByolFromImageNet, $"BYOL from ImageNet ResNet-18, {settings.ImageNetTrainingSize} px", outcome,
            $"InitialEncoderPath = ResNet18.onnx, ImageSize = {settings.ImageNetTrainingSize}, {settings.Length}, MonitorLabelColumnName = Label; recipe otherwise");
    }

    public static PartResult FromRandomInit(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test, string work)
    {
        var options = new ByolOptions
        {
            InputColumnName = "Image",
            Architecture = ByolArchitecture.ResNet18,
            WidthMultiplier = settings.Width,
            ImageSize = settings.ImageSize,
            MonitorLabelColumnName = "Label",
            Device = "cpu",
            NumberOfThreads = settings.Threads,
            Seed = settings.Seed,
        };
        settings.ApplyLength(options);
        var outcome = new ByolRun("d", ml, settings, train, test).Run(options, ml.Data.LoadFromEnumerable(train.Rows), work, null);
        Runs.Add((BenchmarkPart.Byol, outcome));
        return Result(BenchmarkPart.Byol, $"BYOL from random init, ResNet-18 x{settings.Width.ToString(CultureInfo.InvariantCulture)}, {settings.ImageSize} px", outcome,
            string.Create(CultureInfo.InvariantCulture,
                $"ResNet18 x{settings.Width}, ImageSize = {settings.ImageSize}, {settings.Length}, MonitorLabelColumnName = Label; recipe otherwise"));
    }

    private static PartResult Result(BenchmarkPart part, string name, ByolRun.Outcome o, string configuration) => new(part, name, o.Final, new JsonObject
    {
        ["options"] = configuration,
        ["encoder"] = o.Encoder,
        ["steps"] = o.Steps,
        ["plannedSteps"] = o.PlannedSteps,
        ["trainMinutes"] = Math.Round(o.TrainMinutes, 2),
        ["fitMinutes"] = Math.Round(o.FitMinutes, 2),
        ["imagesPerSecond"] = Math.Round(o.ImagesPerSecond, 1),
        ["stoppedByBenchmark"] = o.HardStopped,
        ["curve"] = new JsonArray(o.Curve.Select(c => (JsonNode)new JsonObject
        {
            ["step"] = c.Step,
            ["minutes"] = Math.Round(c.Minutes, 2),
            ["linearProbe"] = Math.Round(c.Scores.LinearProbe, 4),
            ["knn"] = Math.Round(c.Scores.Knn, 4),
        }).ToArray()),
        ["monitor"] = new JsonArray(o.Monitor.Select(m => (JsonNode)new JsonObject
        {
            ["step"] = m.Step,
            ["minutes"] = Math.Round(m.Minutes, 2),
            ["knn"] = Math.Round(m.Accuracy, 4),
        }).ToArray()),
    });
}
