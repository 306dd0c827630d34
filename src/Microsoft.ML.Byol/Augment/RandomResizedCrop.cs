using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// The random resized crop of Inception / BYOL: per image, a box covering a uniform fraction of the area in
/// [<see cref="ByolViewOptions.CropScaleMin"/>, <see cref="ByolViewOptions.CropScaleMax"/>] with a log-uniform aspect
/// ratio in [<see cref="ByolViewOptions.CropRatioMin"/>, <see cref="ByolViewOptions.CropRatioMax"/>]; up to
/// <see cref="Attempts"/> tries for a box that fits, else a center crop clipped to the ratio range (as torchvision).
/// Area and ratio are relative to each image's content box (the whole picture inside the cache's padded square, see
/// <see cref="Data.ImageStore.ContentBoxes"/>), so crops reach every side of a landscape or portrait photo and never
/// the padding. All boxes are then resized at once to the output size with antialiasing
/// (<see cref="AntialiasedResize"/>).
/// </summary>
internal static class RandomResizedCrop
{
    /// <summary>How many boxes are tried per image before falling back to a center crop.</summary>
    public const int Attempts = 10;

    private const int DrawsPerAttempt = 4; // area, log-ratio, vertical position, horizontal position

    /// <summary>Draws one box per image of <paramref name="count"/> whole <paramref name="height"/>×<paramref name="width"/> images.</summary>
    public static CropBox[] SampleBoxes(int count, int height, int width, ByolViewOptions options, torch.Generator generator)
        => SampleBoxes(Enumerable.Repeat(new CropBox(0, 0, height, width), count).ToArray(), options, generator);

    /// <summary>
    /// Draws one box per image inside its content box (box numbers only, computed on the CPU). The draws consumed
    /// depend only on the number of images.
    /// </summary>
    /// <param name="content">Per image, the rectangle holding its picture; boxes are relative to it and inside it.</param>
    /// <param name="options">Scale and ratio ranges.</param>
    /// <param name="generator">The CPU generator the draws come from.</param>
    public static CropBox[] SampleBoxes(IReadOnlyList<CropBox> content, ByolViewOptions options, torch.Generator generator)
    {
        int count = content.Count;
        float[] draws = PerImageRandom.Uniform(generator, count, Attempts, DrawsPerAttempt);
        var boxes = new CropBox[count];
        for (int i = 0; i < count; i++)
        {
            var whole = content[i];
            var box = ChooseBox(draws.AsSpan(i * Attempts * DrawsPerAttempt, Attempts * DrawsPerAttempt), whole.Height, whole.Width, options);
            boxes[i] = box with { Top = whole.Top + box.Top, Left = whole.Left + box.Left };
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
    /// Resizes every image's box (mirrored where <paramref name="flips"/> says so) to
    /// <paramref name="outputSize"/>×<paramref name="outputSize"/> with <see cref="AntialiasedResize"/>.
    /// </summary>
    /// <param name="images">float [B,C,H,W].</param>
    /// <param name="boxes">One box per image.</param>
    /// <param name="flips">One flip decision per image.</param>
    /// <param name="outputSize">Side of the output.</param>
    /// <returns>float [B,C,outputSize,outputSize].</returns>
    public static torch.Tensor Resample(torch.Tensor images, IReadOnlyList<CropBox> boxes, IReadOnlyList<bool> flips, int outputSize)
        => AntialiasedResize.Apply(images, boxes, flips, outputSize);
}
