using Microsoft.ML;

namespace ByolFashionMnist;

/// <summary>The views the job needs: unlabelled training images, and labelled train/test splits for the probes.</summary>
internal sealed record Dataset(
    string Description, string ImageColumn, string PixelColumn, IDataView Unlabelled,
    IDataView ProbeTrain, IDataView ProbeTest, IDataView ProbeTrainPixels, IDataView ProbeTestPixels, DataViewSchema SaveSchema)
{
    /// <summary>
    /// Fashion-MNIST as ML.NET holds images: an MLImage column (grey in R, G and B) that the library resizes with
    /// ResizeImages (iso crop) → ExtractPixels, for BYOL and the embedding probes; the 784 grey values for the raw-pixel probe.
    /// </summary>
    public static Dataset FromFashionMnist(MLContext ml, Settings settings)
    {
        if (!DatasetLocator.TryFind(settings.FashionMnistFolder, out var message))
            throw new FileNotFoundException(message + " Or pass --images <folder with one sub-folder per class>.");
        Console.WriteLine(message);
        var train = FashionMnist.Load(settings.FashionMnistFolder, "train", settings.TrainLimit);
        var test = FashionMnist.Load(settings.FashionMnistFolder, "test", settings.TestLimit);
        var probeRows = settings.ProbeTrainLimit is { } n ? train.Take(n).ToList() : train;
        return new Dataset($"Fashion-MNIST: {train.Count} training images (labels unused by BYOL), {test.Count} test images",
            "Image", "Image", GreyImageView.Create(ml, train), GreyImageView.Create(ml, probeRows), GreyImageView.Create(ml, test),
            ml.Data.LoadFromEnumerable(probeRows), ml.Data.LoadFromEnumerable(test), GreyImageView.Create(ml, train).Schema);
    }

    public static Dataset FromFolder(MLContext ml, string folder, int imageSize)
    {
        if (!Directory.Exists(folder))
            throw new FileNotFoundException($"The image folder {folder} does not exist.");
        var extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };
        var rows = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f)))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => new FileRow { Path = f, Label = Path.GetFileName(Path.GetDirectoryName(f)!) })
            .ToList();
        if (rows.Count == 0)
            throw new FileNotFoundException($"No images (png, jpg, bmp, gif, webp) were found under {folder}.");
        var shuffled = rows.OrderBy(_ => Random.Shared.Next()).ToList();
        int testCount = Math.Max(1, rows.Count / 5);
        IDataView Load(IEnumerable<FileRow> r)
        {
            var view = ml.Data.LoadFromEnumerable(r);
            return ml.Transforms.LoadImages("Image", null, "Path").Fit(view).Transform(view);
        }
        IDataView Pixels(IDataView images)
            => ml.Transforms.ResizeImages("Resized", imageSize, imageSize, "Image")
                .Append(ml.Transforms.ExtractPixels("Pixels", "Resized", scaleImage: 1f / 255))
                .Fit(images).Transform(images);
        var train = Load(shuffled.Skip(testCount));
        var test = Load(shuffled.Take(testCount));
        return new Dataset($"{rows.Count} images in {rows.Select(r => r.Label).Distinct().Count()} classes under {folder} ({rows.Count - testCount} train, {testCount} test)",
            "Image", "Pixels", Load(rows), train, test, Pixels(train), Pixels(test), ml.Data.LoadFromEnumerable(rows).Schema);
    }
}
