using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Random Gaussian blur: with a per-image probability, a separable Gaussian with a per-image σ drawn uniformly in
/// [<see cref="ByolViewOptions.BlurSigmaMin"/>, <see cref="ByolViewOptions.BlurSigmaMax"/>], kernel side ≈
/// <see cref="ByolViewOptions.BlurKernelFraction"/> × image side (odd, at least 3), reflect padding. Each image's
/// kernel is applied to its own channels by one grouped convolution per direction (groups = images × channels).
/// </summary>
internal static class GaussianBlur
{
    /// <summary>The kernel side for an image side: ⌊fraction × side⌋ made odd, at least 3, radius below the side.</summary>
    public static int KernelSize(int side, double fraction)
    {
        int size = (int)Math.Floor(side * fraction);
        if (size % 2 == 0)
        {
            size++;
        }

        size = Math.Max(3, size);
        int maxRadius = Math.Max(0, side - 1); // reflect padding needs radius < side
        return Math.Min(size, 2 * maxRadius + 1);
    }

    /// <summary>Normalised 1-D Gaussian taps of the given odd size and σ.</summary>
    public static float[] Kernel(int size, double sigma)
    {
        int radius = size / 2;
        var taps = new double[size];
        for (int t = 0; t < size; t++)
        {
            double x = t - radius;
            taps[t] = Math.Exp(-x * x / (2 * sigma * sigma));
        }

        double sum = taps.Sum();
        return taps.Select(v => (float)(v / sum)).ToArray();
    }

    /// <summary>Blurs each image with probability <see cref="ByolViewOptions.BlurProbability"/>.</summary>
    public static torch.Tensor Apply(torch.Tensor images, ByolViewOptions options, torch.Generator generator)
    {
        int count = (int)images.shape[0];
        int[] chosen = PerImageRandom.Chosen(generator, count, options.BlurProbability);
        float[] sigmas = PerImageRandom.Between(generator, count, options.BlurSigmaMin, options.BlurSigmaMax);
        int side = (int)Math.Min(images.shape[2], images.shape[3]);
        int size = KernelSize(side, options.BlurKernelFraction);
        if (size < 3)
        {
            return images; // a one-pixel image has nothing to blur
        }

        return ImageSubset.Update(images, chosen, sub => Blur(sub, chosen.Select(i => (double)sigmas[i]).ToArray(), size));
    }

    /// <summary>Blurs image i of <paramref name="images"/> with σ = <paramref name="sigmas"/>[i].</summary>
    public static torch.Tensor Blur(torch.Tensor images, double[] sigmas, int size)
    {
        long n = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3];
        var taps = new float[n * channels * size];
        for (int i = 0; i < n; i++)
        {
            float[] kernel = Kernel(size, sigmas[i]);
            for (int c = 0; c < channels; c++)
            {
                kernel.CopyTo(taps, (i * channels + c) * size);
            }
        }

        using var scope = torch.NewDisposeScope();
        int radius = size / 2;
        long groups = n * channels;
        var horizontal = HostToDevice.Tensor(taps, new long[] { groups, 1, 1, size }, images.device);
        var vertical = horizontal.view(groups, 1, size, 1);
        var planes = images.reshape(1, groups, height, width);
        var padded = pad(planes, new long[] { radius, radius, radius, radius }, PaddingModes.Reflect);
        var blurred = conv2d(conv2d(padded, horizontal, groups: groups), vertical, groups: groups);
        return blurred.view(n, channels, height, width).MoveToOuterDisposeScope();
    }
}
