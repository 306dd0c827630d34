using FashionMnistQuality;
using Microsoft.ML;
using Microsoft.ML.Byol;

namespace ZipVsEmbedder;

/// <summary>The float32 transformer of a run: the given encoder file, or one made by ByolPretrain with no BYOL step.</summary>
internal static class EncoderSource
{
    /// <summary>
    /// <paramref name="sample"/> (image files, column "Image" after LoadImages) is what ByolPretrain fits on when the
    /// encoder is made here: with MaxSteps 0 it only imports or initialises the network.
    /// </summary>
    public static ByolTransformer Create(MLContext ml, ZipVsEmbedderSettings s, IDataView sample)
    {
        if (s.Encoder is { } path)
        {
            return ml.Transforms.ApplyByolEncoder(path);
        }

        var options = new ByolOptions
        {
            InputColumnName = "Image",
            ImageSize = s.Size,
            Device = "cpu",
            MaxSteps = 0,
            Seed = 1,
        };
        if (s.Weights == "imagenet")
        {
            options.InitialEncoderPath = DnnImageModels.ResNet18;
        }
        else
        {
            options.Architecture = s.Architecture;
            options.WidthMultiplier = s.Width;
        }

        return ml.Transforms.ByolPretrain(options).Fit(sample);
    }
}
