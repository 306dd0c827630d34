using Microsoft.ML;
using Microsoft.ML.Data;

namespace FashionMnistQuality;

/// <summary>
/// ML.NET's own path, one row at a time: ResizeImages (iso crop) → ExtractPixels → <c>DnnFeaturizeImage</c> with the
/// ResNet-18 model selector. The reference the batched path is checked against.
/// </summary>
internal static class DnnFeaturizerReference
{
    public static float[][] Featurize(MLContext ml, IDataView images)
    {
        var pipeline = MlNetPixels.Pipeline(ml, DnnImageModels.ImageSize)
            .Append(ml.Transforms.DnnFeaturizeImage("Features", m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), MlNetPixels.Column));
        var view = pipeline.Fit(images).Transform(images);
        return view.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
    }
}
