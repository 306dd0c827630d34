using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// The random resized crop of Inception / BYOL: per image, a box covering a uniform fraction of the area in
/// [<see cref="ByolViewOptions.CropScaleMin"/>, <see cref="ByolViewOptions.CropScaleMax"/>] with a log-uniform aspect
/// ratio in [<see cref="ByolViewOptions.CropRatioMin"/>, <see cref="ByolViewOptions.CropRatioMax"/>]; up to
/// <see cref="Attempts"/> tries for a box that fits, else a center crop clipped to the ratio range (as torchvision).
/// All boxes are then resampled at once to the output size with one bilinear <c>grid_sample</c>.
/// </summary>
internal static class RandomResizedCrop
{
    /// <summary>How many boxes are tried per image before falling back to a center crop.</summary>
    public const int Attempts = 10;

    private const int DrawsPerAttempt = 4; // area, log-ratio, vertical position, horizontal position

    /// <summary>Draws one box per image (box numbers only, computed on the CPU).</summary>
    public static CropBox[] SampleBoxes(int count, int height, int width, ByolViewOptions options, torch.Generator generator)
    {
        float[] draws = PerImageRandom.Uniform(generator, count, Attempts, DrawsPerAttempt);
        var boxes = new CropBox[count];
        for (int i = 0; i < count; i++)
        {
            boxes[i] = ChooseBox(draws.AsSpan(i * Attempts * DrawsPerAttempt, Attempts * DrawsPerAttempt), height, width, options);
        }

        return boxes;
    }

    /// <summary>Turns one image's <see cref="Attempts"/>×4 uniform draws into its crop box.</summary>
    internal static CropBox ChooseBox(ReadOnlySpan<float> draws, int height, int width, ByolViewOptions options)
    {
        double area = (double)height * width;
        double logRatioMin = Math.Log(options.CropRatioMin);
        double logRatioMax = Math.Log(options.CropRatioMax);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var u = draws.Slice(attempt * DrawsPerAttempt, DrawsPerAttempt);
            double targetArea = area * (options.CropScaleMin + (options.CropScaleMax - options.CropScaleMin) * u[0]);
            double ratio = Math.Exp(logRatioMin + (logRatioMax - logRatioMin) * u[1]);
            int w = (int)Math.Round(Math.Sqrt(targetArea * ratio));
            int h = (int)Math.Round(Math.Sqrt(targetArea / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height)
            {
                int top = Math.Min((int)(u[2] * (height - h + 1)), height - h);
                int left = Math.Min((int)(u[3] * (width - w + 1)), width - w);
                return new CropBox(top, left, h, w);
            }
        }

        return CenterFallback(height, width, options);
    }

    private static CropBox CenterFallback(int height, int width, ByolViewOptions options)
    {
        double inputRatio = (double)width / height;
        int w = width, h = height;
        if (inputRatio < options.CropRatioMin)
        {
            h = Math.Max(1, (int)Math.Round(w / options.CropRatioMin));
        }
        else if (inputRatio > options.CropRatioMax)
        {
            w = Math.Max(1, (int)Math.Round(h * options.CropRatioMax));
        }

        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /// <summary>
    /// Resamples every image's box (mirrored where <paramref name="flips"/> says so) to
    /// <paramref name="outputSize"/>×<paramref name="outputSize"/>: one affine grid per image, one batched bilinear
    /// <c>grid_sample</c> (align_corners = false, border clamping like <c>interpolate</c>).
    /// </summary>
    /// <param name="images">float [B,C,H,W].</param>
    /// <param name="boxes">One box per image.</param>
    /// <param name="flips">One flip decision per image.</param>
    /// <param name="outputSize">Side of the output.</param>
    /// <returns>float [B,C,outputSize,outputSize].</returns>
    public static torch.Tensor Resample(torch.Tensor images, IReadOnlyList<CropBox> boxes, IReadOnlyList<bool> flips, int outputSize)
    {
        long batch = images.shape[0], channels = images.shape[1];
        double height = images.shape[2], width = images.shape[3];
        var theta = new float[batch * 6];
        for (int i = 0; i < batch; i++)
        {
            var box = boxes[i];
            // Normalised coordinates span [-1, 1] edge to edge (align_corners = false): the box's half-extent is
            // its side over the image side, its center (left + w/2) * 2 / W - 1. A flip mirrors x about the center.
            theta[i * 6 + 0] = (float)(box.Width / width * (flips[i] ? -1 : 1));
            theta[i * 6 + 2] = (float)((2 * box.Left + box.Width) / width - 1);
            theta[i * 6 + 4] = (float)(box.Height / height);
            theta[i * 6 + 5] = (float)((2 * box.Top + box.Height) / height - 1);
        }

        using var scope = torch.NewDisposeScope();
        var affine = HostToDevice.Tensor(theta, new long[] { batch, 2, 3 }, images.device);
        var grid = affine_grid(affine, new[] { batch, channels, outputSize, outputSize }, align_corners: false);
        return grid_sample(images, grid, torch.GridSampleMode.Bilinear, torch.GridSamplePaddingMode.Border, align_corners: false)
            .MoveToOuterDisposeScope();
    }
}
