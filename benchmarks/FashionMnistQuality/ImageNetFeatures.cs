using ByolFashionMnist;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace FashionMnistQuality;

/// <summary>
/// (a) ML.NET's ImageNet ResNet-18 features at 224 px for both splits: first the batched ONNX Runtime path is checked
/// against <c>DnnFeaturizeImage</c> itself on a sample (same pixels, max |difference| reported), then the features of
/// all images come from the cache or from the batched path (and go to the cache).
/// </summary>
internal static class ImageNetFeatures
{
    private const string Producer = "dnn-resnet18-224";

    public sealed record Check(int Images, double MaxAbsDifference, double MaxAbsFeature, double ReferenceImagesPerSecond, double BatchedImagesPerSecond);

    public sealed record Result(float[][] Train, float[][] Test, Check SampleCheck, bool FromCache, double? ImagesPerSecond, int ComputedImages, string CacheFolder);

    public static Result Compute(MLContext ml, FashionMnistSplit train, FashionMnistSplit test, int sampleImages, int batch, double tolerance)
    {
        using var featurizer = new BatchedDnnFeaturizer();
        var check = CheckAgainstDnnFeaturizeImage(ml, featurizer, test, sampleImages, batch);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  batched ONNX Runtime vs DnnFeaturizeImage on {check.Images} test images: max |difference| {check.MaxAbsDifference:E2} " +
            $"(largest |feature| {check.MaxAbsFeature:F2}); {check.ReferenceImagesPerSecond:F1} img/s per row, {check.BatchedImagesPerSecond:F1} img/s batched"));
        if (!(check.MaxAbsDifference <= tolerance))
            throw new InvalidOperationException($"The batched path differs from DnnFeaturizeImage by {check.MaxAbsDifference} (> {tolerance}); not using it.");

        var cache = new FeatureCache(Producer, DnnImageModels.Sha256());
        var clock = Stopwatch.StartNew();
        // Test first: a stopped run then leaves a usable subset (all test images, the first training chunks) in the cache.
        var testFeatures = cache.GetOrCompute(test.Rows, rows => Featurize(ml, featurizer, rows, batch, "test", clock, train.Count + test.Count));
        var trainFeatures = cache.GetOrCompute(train.Rows, rows => Featurize(ml, featurizer, rows, batch, "train", clock, train.Count + test.Count));
        var (computed, time) = cache.Computed;
        double? perSecond = computed > 0 ? computed / time.TotalSeconds : null;
        if (computed > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  featurized {computed} images in {time.TotalMinutes:F1} min ({perSecond:F1} img/s, resize included), {train.Count + test.Count - computed} read from {cache.Folder}"));
        else
            Console.WriteLine($"  features of all {train.Count + test.Count} images read from {cache.Folder}");
        return new Result(trainFeatures, testFeatures, check, computed == 0, perSecond, computed, cache.Folder);
    }

    private static Check CheckAgainstDnnFeaturizeImage(MLContext ml, BatchedDnnFeaturizer featurizer, FashionMnistSplit split, int count, int batch)
    {
        var sample = GreyImageView.Create(ml, split.Rows.Take(count).ToList());
        var clock = Stopwatch.StartNew();
        var reference = DnnFeaturizerReference.Featurize(ml, sample);
        double referenceRate = reference.Length / clock.Elapsed.TotalSeconds;
        clock.Restart();
        var batched = new List<float[]>();
        foreach (var (_, n, pixels) in MlNetPixels.Batches(ml, sample, DnnImageModels.ImageSize, batch))
            batched.AddRange(featurizer.Featurize(pixels, n));
        double batchedRate = batched.Count / clock.Elapsed.TotalSeconds;
        if (batched.Count != reference.Length)
            throw new InvalidOperationException($"{batched.Count} batched rows against {reference.Length} reference rows.");
        double maxDiff = 0, maxFeature = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (reference[i].Length != batched[i].Length)
                throw new InvalidOperationException($"Row {i}: {batched[i].Length} batched features against {reference[i].Length}.");
            for (int j = 0; j < reference[i].Length; j++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(reference[i][j] - batched[i][j]));
                maxFeature = Math.Max(maxFeature, Math.Abs(reference[i][j]));
            }
        }
        return new Check(reference.Length, maxDiff, maxFeature, referenceRate, batchedRate);
    }

    private static int _done;

    private static float[][] Featurize(MLContext ml, BatchedDnnFeaturizer featurizer, IReadOnlyList<ByolFashionMnist.PixelRow> rows, int batch, string name,
        Stopwatch clock, int total)
    {
        var features = new float[rows.Count][];
        foreach (var (start, n, pixels) in MlNetPixels.Batches(ml, GreyImageView.Create(ml, rows), DnnImageModels.ImageSize, batch))
            featurizer.Featurize(pixels, n).CopyTo(features, start);
        _done += rows.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {name}: chunk of {rows.Count} featurized and cached ({_done} computed this run, {total} in all; {_done / clock.Elapsed.TotalSeconds:F1} img/s, cache reads included)"));
        return features;
    }
}
