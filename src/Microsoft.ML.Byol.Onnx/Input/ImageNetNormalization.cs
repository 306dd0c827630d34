namespace Microsoft.ML.Byol.Input;

/// <summary>The per-channel RGB normalisation the encoder was trained with (ImageNet statistics, pixels in [0, 1]).</summary>
internal static class ImageNetNormalization
{
    public static IReadOnlyList<float> Mean { get; } = Array.AsReadOnly(new[] { 0.485f, 0.456f, 0.406f });

    public static IReadOnlyList<float> Std { get; } = Array.AsReadOnly(new[] { 0.229f, 0.224f, 0.225f });
}
