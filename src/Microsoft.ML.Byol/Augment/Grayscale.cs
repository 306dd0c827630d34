using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>Random grayscale: with a per-image probability, every channel becomes the luma (.2989 R + .5870 G + .1140 B).</summary>
internal static class Grayscale
{
    /// <summary>The luma of float [B,3,H,W] images, as [B,1,H,W].</summary>
    public static torch.Tensor Luma(torch.Tensor rgb)
    {
        using var scope = torch.NewDisposeScope();
        var w = ColorAffine.LumaWeights;
        var luma = rgb.narrow(1, 0, 1) * w[0] + rgb.narrow(1, 1, 1) * w[1] + rgb.narrow(1, 2, 1) * w[2];
        return luma.MoveToOuterDisposeScope();
    }

    /// <summary>Converts each image to (three-channel) grayscale with probability <paramref name="probability"/>.</summary>
    public static torch.Tensor Apply(torch.Tensor rgb, double probability, torch.Generator generator)
    {
        int[] chosen = PerImageRandom.Chosen(generator, (int)rgb.shape[0], probability);
        return ImageSubset.Update(rgb, chosen, sub =>
        {
            using var scope = torch.NewDisposeScope();
            return Luma(sub).expand(-1, 3, -1, -1).contiguous().MoveToOuterDisposeScope();
        });
    }
}
