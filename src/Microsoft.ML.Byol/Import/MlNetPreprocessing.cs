namespace Microsoft.ML.Byol.Import;

/// <summary>
/// The pixel contract of ML.NET's DnnImageFeaturizer models, whose ONNX graph starts directly with the stem
/// convolution: ML.NET feeds it RGB pixels in 0–255 (ExtractPixels with no scaling) through a separate
/// preprocessing model that reorders them to BGR and subtracts a 224×224 mean image. The package lays the files out as
/// <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c> and <c>DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx</c>;
/// the preprocessing model is read from there (or from the model's own folder).
/// </summary>
internal static class MlNetPreprocessing
{
    public const string FileName = "ResNetPreprocess.onnx";

    /// <summary>ML.NET's pixels are 0–255; this library's are 0–1.</summary>
    private const double PixelScale = 255;

    /// <summary>
    /// The transform from this library's pixels (RGB in [0, 1]) to what the model's first convolution sees, and
    /// a sentence saying where it came from; null when no preprocessing model is beside <paramref name="modelPath"/>.
    /// </summary>
    public static (InputTransform Transform, string Description)? Find(string? modelPath)
    {
        if (modelPath is null)
            return null;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(modelPath));
        if (folder is null)
            return null;
        var candidates = new[]
        {
            Path.Combine(folder, "..", "ResNetPrepOnnx", FileName),
            Path.Combine(folder, FileName),
        };
        string? path = candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
        if (path is null)
            return null;

        Onnx.ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = Onnx.ModelProto.Parser.ParseFrom(stream);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{path}', the preprocessing model beside '{modelPath}', is not an ONNX model: {e.Message}", e);
        }

        var graph = new OnnxGraphView(model.Graph, path);
        var (transform, next, _) = InputHeadReader.Read(graph);
        if (next is not null)
            throw graph.Invalid("a preprocessing model was expected (Split, Concat, Sub), but it contains a convolution");
        var pixels = InputTransform.Identity(3) with { Scale = new[] { PixelScale, PixelScale, PixelScale } };
        var combined = transform.After(pixels);
        string order = string.Concat(transform.Source.Select(s => "RGB"[s]));
        string means = string.Join(", ", transform.Offset.Select(o => (-o).ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        string spread = string.Join(", ", transform.OffsetSpatialStd.Select(o => o.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
        return (combined, $"preprocessing from '{path}': {order} 0–255 minus " +
            (transform.HadSpatialOffset ? $"a mean image, replaced by its channel means {means} (spatial std {spread})" : $"{means}"));
    }

    /// <summary>
    /// ML.NET's documented ResNet preprocessing when the model was copied without its preprocessing file: RGB 0–255
    /// reordered to BGR minus the channel means of the mean image of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1.
    /// </summary>
    public static (InputTransform Transform, string Description) Default()
    {
        double[] bgrMeans = { 103.06262207, 115.90288544, 123.15162659 };
        var transform = new InputTransform(
            new[] { PixelScale, PixelScale, PixelScale }, new[] { 2, 1, 0 }, bgrMeans.Select(m => -m).ToArray(), new double[3]);
        return (transform, $"no {FileName} beside the model: ML.NET's DnnImageFeaturizer preprocessing assumed " +
            "(BGR 0–255 minus channel means 103.06, 115.90, 123.15)");
    }
}
