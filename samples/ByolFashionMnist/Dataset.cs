using Microsoft.ML;

namespace ByolFashionMnist;

/// <summary>The views the job needs: unlabelled training images, and labelled train/test splits for the probes.</summary>
internal sealed record Dataset(
    string Description, string ImageColumn, string PixelColumn, IDataView Unlabelled,
    IDataView ProbeTrain, IDataView ProbeTest, IDataView ProbeTrainPixels, IDataView ProbeTestPixels, DataViewSchema SaveSchema)
{
    public static Dataset FromFashionMnist(MLContext ml, Settings settings)
    {
        if (!FashionMnist.IsPresent(settings.FashionMnistFolder))
            throw new FileNotFoundException(
                $"Fashion-MNIST was not found in {settings.FashionMnistFolder}. Install it with 'sudo apt-get install dataset-fashion-mnist' " +
                "(Debian/Ubuntu), pass --fashion-mnist <folder with the four IDX .gz files>, or --images <folder with one sub-folder per class>.");
        var train = FashionMnist.Load(settings.FashionMnistFolder, "train", settings.TrainLimit);
        var test = FashionMnist.Load(settings.FashionMnistFolder, "test", settings.TestLimit);
        var trainView = ml.Data.LoadFromEnumerable(train);
        var testView = ml.Data.LoadFromEnumerable(test);
        var probeTrain = settings.ProbeTrainLimit is { } n ? ml.Data.TakeRows(trainView, n) : trainView;
        return new Dataset($"Fashion-MNIST: {train.Count} training images (labels unused by BYOL), {test.Count} test images",
            "Image", "Image", trainView, probeTrain, testView, probeTrain, testView, trainView.Schema);
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
