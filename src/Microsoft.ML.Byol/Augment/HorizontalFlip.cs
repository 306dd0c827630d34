using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Per-image horizontal flip decisions. The flip itself is folded into the crop's sampling grid
/// (<see cref="RandomResizedCrop.Resample"/>): flipping after cropping equals sampling the crop mirrored.
/// </summary>
internal static class HorizontalFlip
{
    /// <summary>One decision per image: flip with probability <paramref name="probability"/>.</summary>
    public static bool[] Sample(int count, double probability, torch.Generator generator)
        => PerImageRandom.Uniform(generator, count).Select(u => u < probability).ToArray();
}
