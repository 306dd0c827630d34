using ByolFashionMnist;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace FashionMnistQuality;

/// <summary>(b) the imported ImageNet ResNet-18 with no BYOL step (<c>MaxSteps = 0</c>) at the training size.</summary>
internal static class ImageNetNoByol
{
    public static PartResult Measure(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test, string work)
    {
        var check = ImportCheck.Run(ml, settings, train, test, work);
        var options = ImageNetStart.Options(settings, settings.ImageNetTrainingSize);
        options.MaxSteps = 0;
        string onnx = Path.Combine(work, "imagenet-no-byol.onnx");
        string encoder;
        using (var model = ml.Transforms.ByolPretrain(options).Fit(GreyImageView.Create(ml, train.Rows)))
        {
            model.ExportOnnx(onnx);
            encoder = model.EncoderInfo.ToString();
        }
        var clock = Stopwatch.StartNew();
        var (trainFeatures, testFeatures) = EncoderFeatures.Embed(onnx, train, test);
        double embedSeconds = clock.Elapsed.TotalSeconds;
        var scores = FeatureProbe.Evaluate(ml, trainFeatures, train, testFeatures, test);
        return new PartResult(BenchmarkPart.ImageNetNoByol, $"ImageNet ResNet-18 imported, no BYOL, {settings.ImageNetTrainingSize} px", scores, new JsonObject
        {
            ["options"] = $"InitialEncoderPath = DnnImageModels/ResNet18Onnx/ResNet18.onnx, MaxSteps = 0, ImageSize = {settings.ImageNetTrainingSize}",
            ["preprocessing"] = $"28 px grey as RGB MLImage -> the library's ResizeImages {settings.ImageNetTrainingSize} IsoCrop -> ExtractPixels -> encoder",
            ["encoder"] = encoder,
            ["features"] = trainFeatures[0].Length,
            ["importCheckMeanCosine224"] = Math.Round(check.MeanCosine, 5),
            ["importCheckMinCosine224"] = Math.Round(check.MinCosine, 5),
            ["embedSeconds"] = Math.Round(embedSeconds, 1),
        });
    }
}
