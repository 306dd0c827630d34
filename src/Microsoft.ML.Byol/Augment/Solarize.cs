using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>Random solarisation: with a per-image probability, every value at or above the threshold becomes 1 − value.</summary>
internal static class Solarize
{
    /// <summary>Solarises each image with probability <paramref name="probability"/>.</summary>
    public static torch.Tensor Apply(torch.Tensor images, double probability, double threshold, torch.Generator generator)
    {
        int[] chosen = PerImageRandom.Chosen(generator, (int)images.shape[0], probability);
        return ImageSubset.Update(images, chosen, sub =>
        {
            using var scope = torch.NewDisposeScope();
            return torch.where(sub.ge(threshold), 1 - sub, sub).MoveToOuterDisposeScope();
        });
    }
}
