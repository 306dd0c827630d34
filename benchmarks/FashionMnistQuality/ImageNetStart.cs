using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// Options of the runs that start from ML.NET's ImageNet ResNet-18, (b) and (c): the weights file, the image size and
/// the plumbing; the recipe picks the rest. The architecture is set to what the file holds (ResNet-18), so that it
/// agrees with the file whether the library reads it from the file or from the options.
/// </summary>
internal static class ImageNetStart
{
    public static ByolOptions Options(QualitySettings settings, int imageSize) => new()
    {
        InputColumnName = "Image",
        InitialEncoderPath = DnnImageModels.ResNet18,
        Architecture = ByolArchitecture.ResNet18,
        ImageSize = imageSize,
        Device = "cpu",
        NumberOfThreads = settings.Threads,
        Seed = settings.Seed,
    };
}
