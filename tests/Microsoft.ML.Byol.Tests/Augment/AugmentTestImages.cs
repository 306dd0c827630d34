using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Torch;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Augment;

/// <summary>Synthetic batches whose pixel values reveal what an augmentation did, and small helpers.</summary>
internal static class AugmentTestImages
{
    static AugmentTestImages() => TorchRuntime.EnsureInitialized();

    public static torch.Generator Generator(ulong seed) => new(seed, torch.CPU);

    /// <summary>Every pixel of every image has the colour (r, g, b).</summary>
    public static torch.Tensor Constant(int count, int side, float r, float g, float b)
        => torch.tensor(new[] { r, g, b }, new long[] { 1, 3, 1, 1 }).expand(count, 3, side, side).contiguous();

    /// <summary>Channel 0 rises left to right, channel 1 top to bottom ((index + 0.5) / side at pixel centers), channel 2 is 0.</summary>
    public static torch.Tensor Ramps(int count, int side)
    {
        using var scope = torch.NewDisposeScope();
        var ramp = (torch.arange(side, dtype: torch.float32) + 0.5f) / side;
        var x = ramp.view(1, 1, 1, side).expand(count, 1, side, side);
        var y = ramp.view(1, 1, side, 1).expand(count, 1, side, side);
        var zero = torch.zeros(count, 1, side, side);
        return torch.cat(new[] { x, y, zero }, 1).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The same uniform-noise image repeated <paramref name="count"/> times.</summary>
    public static torch.Tensor SameNoise(int count, int side, ulong seed = 1)
        => torch.rand(new long[] { 1, 3, side, side }, generator: Generator(seed)).expand(count, 3, side, side).contiguous();

    /// <summary>Only the crop (and flip) of <paramref name="view"/>: no jitter, grayscale, blur or solarisation.</summary>
    public static ByolViewOptions CropOnly(ByolViewOptions? view = null)
    {
        var options = (view ?? ByolViewOptions.PaperView1()).Clone();
        options.ColorJitterProbability = 0;
        options.GrayscaleProbability = 0;
        options.BlurProbability = 0;
        options.SolarizeProbability = 0;
        return options;
    }

    /// <summary>Mean squared difference of horizontally adjacent pixels, per image.</summary>
    public static float[] HorizontalEnergy(torch.Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        long w = images.shape[3];
        var diff = images.narrow(3, 1, w - 1) - images.narrow(3, 0, w - 1);
        return diff.square().mean(new long[] { 1, 2, 3 }).data<float>().ToArray();
    }

    /// <summary>A 4-sigma binomial interval for the count of successes.</summary>
    public static (double Low, double High) FourSigma(int n, double p)
    {
        double sigma = Math.Sqrt(n * p * (1 - p));
        return (n * p - 4 * sigma, n * p + 4 * sigma);
    }
}
