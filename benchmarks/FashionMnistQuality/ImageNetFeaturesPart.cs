using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace FashionMnistQuality;

/// <summary>(a) ML.NET's DnnFeaturizeImage ResNet-18 features at 224 px (batched, checked, cached) under the probes.</summary>
internal static class ImageNetFeaturesPart
{
    public static PartResult Measure(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test)
    {
        var features = ImageNetFeatures.Compute(ml, train, test, settings.CheckImages, settings.OnnxBatch, settings.CheckTolerance);
        var clock = Stopwatch.StartNew();
        var scores = FeatureProbe.Evaluate(ml, features.Train, train, features.Test, test);
        var check = features.SampleCheck;
        return new PartResult(BenchmarkPart.ImageNetFeatures, "ImageNet ResNet-18, DnnFeaturizeImage 224 px", scores, new JsonObject
        {
            ["model"] = "Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1: ResNetPreprocess.onnx + ResNet18.onnx",
            ["modelSha256"] = DnnImageModels.Sha256(),
            ["preprocessing"] = "28 px grey as RGB MLImage -> ResizeImages 224 IsoCrop Center -> ExtractPixels (planar RGB 0-255) -> DnnFeaturizeImage",
            ["features"] = features.Train[0].Length,
            ["batchedPath"] = $"ONNX Runtime, symbolic batch dimension, batch {settings.OnnxBatch}",
            ["checkImages"] = check.Images,
            ["checkMaxAbsDifference"] = check.MaxAbsDifference,
            ["checkMaxAbsFeature"] = Math.Round(check.MaxAbsFeature, 4),
            ["dnnFeaturizeImagePerRowImagesPerSecond"] = Math.Round(check.ReferenceImagesPerSecond, 1),
            ["batchedImagesPerSecondOnCheck"] = Math.Round(check.BatchedImagesPerSecond, 1),
            ["batchedImagesPerSecond"] = features.ImagesPerSecond is { } rate ? Math.Round(rate, 1) : null,
            ["batchedImagesComputed"] = features.ComputedImages,
            ["fromCache"] = features.FromCache,
            ["probeSeconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
        });
    }
}
