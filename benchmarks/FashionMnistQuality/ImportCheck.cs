using ByolFashionMnist;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// Whether <c>ByolOptions.InitialEncoderPath</c> really starts from ML.NET's ResNet-18: the imported encoder with no
/// step (<c>MaxSteps = 0</c>) at 224 px must give nearly the features of DnnFeaturizeImage's ONNX models on the same
/// images (cosine similarity; not identical, since the library normalises with per-channel ImageNet statistics where
/// ML.NET's preprocessing subtracts a mean image). A build that ignores the option gives a random ResNet-18, whose
/// features point elsewhere: (b) and (c) are then not measured, rather than measured wrong.
/// </summary>
internal static class ImportCheck
{
    private const int Images = 64;
    private const double MinimumMeanCosine = 0.95;

    public sealed record Outcome(double MeanCosine, double MinCosine, string Encoder);

    private static Outcome? _done;

    public static Outcome Run(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test, string work)
    {
        _done ??= Measure(ml, settings, train, test, work);
        if (!(_done.MeanCosine >= MinimumMeanCosine))
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"ByolOptions.InitialEncoderPath is not honoured by this build of the library: the encoder it returns has a mean cosine similarity " +
                $"of {_done.MeanCosine:F3} (< {MinimumMeanCosine}) to ML.NET's ResNet-18 features ({_done.Encoder})."));
        return _done;
    }

    private static Outcome Measure(MLContext ml, QualitySettings settings, FashionMnistSplit train, FashionMnistSplit test, string work)
    {
        var options = ImageNetStart.Options(settings, DnnImageModels.ImageSize);
        options.MaxSteps = 0;
        string onnx = Path.Combine(work, "import-check-224.onnx");
        using (var model = ml.Transforms.ByolPretrain(options).Fit(GreyImageView.Create(ml, train.Rows.Take(Images).ToList())))
            model.ExportOnnx(onnx);

        float[][] imported;
        string encoder;
        using (var embedder = ByolEmbedder.Load(onnx))
        {
            imported = EncoderFeatures.Of(embedder, test, Images);
            encoder = embedder.EncoderInfo.ToString();
        }
        var reference = new List<float[]>();
        using (var featurizer = new BatchedDnnFeaturizer())
        {
            foreach (var (_, n, pixels) in MlNetPixels.Batches(ml, GreyImageView.Create(ml, test.Rows.Take(Images).ToList()), DnnImageModels.ImageSize, 32))
                reference.AddRange(featurizer.Featurize(pixels, n));
        }
        var cosines = imported.Zip(reference, (a, b) => a.Length == b.Length ? (double)TensorPrimitives.CosineSimilarity(a, b) : double.NaN).ToList();
        var outcome = new Outcome(cosines.Average(), cosines.Min(), encoder);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  import check: InitialEncoderPath = ResNet18.onnx, MaxSteps = 0, 224 px against DnnFeaturizeImage's models on {Images} test images: " +
            $"cosine similarity mean {outcome.MeanCosine:F4}, min {outcome.MinCosine:F4}; encoder {encoder}"));
        return outcome;
    }
}
