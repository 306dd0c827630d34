namespace Microsoft.ML.Byol;

/// <summary>
/// The augmentation recipe of one BYOL view: the probabilities and strengths of the random resized crop, horizontal
/// flip, colour jitter, grayscale, Gaussian blur and solarisation applied (in that order, every random value drawn
/// per image) before ImageNet normalisation.
/// </summary>
/// <remarks>
/// <para>The defaults are those of the first view in the BYOL paper; <see cref="PaperView1"/> and
/// <see cref="PaperView2"/> give the two views of the paper, <see cref="SmallImageView1"/> and
/// <see cref="SmallImageView2"/> the same views without blur, as small-image (32 px and below) recipes use.</para>
/// <para>Brightness follows torchvision: the image is <b>multiplied</b> by a factor drawn uniformly in
/// [1 − <see cref="Brightness"/>, 1 + <see cref="Brightness"/>]. The official BYOL code instead adds a delta drawn in
/// [−<see cref="Brightness"/>, <see cref="Brightness"/>]; set <see cref="BrightnessIsAdditive"/> to use that.</para>
/// </remarks>
public sealed class ByolViewOptions
{
    /// <summary>Smallest fraction of the image area a random crop covers (default 0.08).</summary>
    public double CropScaleMin { get; set; } = 0.08;

    /// <summary>Largest fraction of the image area a random crop covers (default 1.0).</summary>
    public double CropScaleMax { get; set; } = 1.0;

    /// <summary>Smallest crop aspect ratio, width over height (default 3/4); the ratio is drawn log-uniformly.</summary>
    public double CropRatioMin { get; set; } = 3.0 / 4.0;

    /// <summary>Largest crop aspect ratio, width over height (default 4/3).</summary>
    public double CropRatioMax { get; set; } = 4.0 / 3.0;

    /// <summary>Probability of a horizontal flip (default 0.5).</summary>
    public double FlipProbability { get; set; } = 0.5;

    /// <summary>Probability that colour jitter is applied to an image (default 0.8).</summary>
    public double ColorJitterProbability { get; set; } = 0.8;

    /// <summary>
    /// Brightness strength b (default 0.4): a factor in [1 − b, 1 + b] multiplies the image (torchvision's
    /// convention), or, when <see cref="BrightnessIsAdditive"/> is set, a delta in [−b, b] is added to it.
    /// </summary>
    public double Brightness { get; set; } = 0.4;

    /// <summary>
    /// When <c>true</c>, brightness adds a delta in [−<see cref="Brightness"/>, <see cref="Brightness"/>] (the
    /// official BYOL code); when <c>false</c> (default), it multiplies by a factor (torchvision).
    /// </summary>
    public bool BrightnessIsAdditive { get; set; }

    /// <summary>Contrast strength c (default 0.4): the image is blended with its mean gray level by a factor in [1 − c, 1 + c].</summary>
    public double Contrast { get; set; } = 0.4;

    /// <summary>Saturation strength s (default 0.2): the image is blended with its grayscale version by a factor in [1 − s, 1 + s].</summary>
    public double Saturation { get; set; } = 0.2;

    /// <summary>Hue strength h (default 0.1, at most 0.5): the hue is rotated by a fraction of a turn in [−h, h].</summary>
    public double Hue { get; set; } = 0.1;

    /// <summary>Probability of converting an image to grayscale (default 0.2).</summary>
    public double GrayscaleProbability { get; set; } = 0.2;

    /// <summary>Probability of a Gaussian blur (default 1.0; 0.1 in the paper's second view).</summary>
    public double BlurProbability { get; set; } = 1.0;

    /// <summary>Smallest blur standard deviation, in pixels of the output view (default 0.1).</summary>
    public double BlurSigmaMin { get; set; } = 0.1;

    /// <summary>Largest blur standard deviation, in pixels of the output view (default 2.0).</summary>
    public double BlurSigmaMax { get; set; } = 2.0;

    /// <summary>Blur kernel size as a fraction of the view's side, made odd and at least 3 (default 0.1).</summary>
    public double BlurKernelFraction { get; set; } = 0.1;

    /// <summary>Probability of solarisation (default 0.0; 0.2 in the paper's second view).</summary>
    public double SolarizeProbability { get; set; }

    /// <summary>Solarisation threshold: pixel values at or above it become 1 − value (default 0.5).</summary>
    public double SolarizeThreshold { get; set; } = 0.5;

    /// <summary>The first view t of the BYOL paper (blur always, no solarisation).</summary>
    /// <returns>A new options instance.</returns>
    public static ByolViewOptions PaperView1() => new();

    /// <summary>The second view t′ of the BYOL paper (blur with probability 0.1, solarisation with probability 0.2).</summary>
    /// <returns>A new options instance.</returns>
    public static ByolViewOptions PaperView2() => new() { BlurProbability = 0.1, SolarizeProbability = 0.2 };

    /// <summary>The paper's first view without blur, for images of 32 px and below.</summary>
    /// <returns>A new options instance.</returns>
    public static ByolViewOptions SmallImageView1() => new() { BlurProbability = 0.0 };

    /// <summary>The paper's second view without blur, for images of 32 px and below.</summary>
    /// <returns>A new options instance.</returns>
    public static ByolViewOptions SmallImageView2() => new() { BlurProbability = 0.0, SolarizeProbability = 0.2 };

    /// <summary>Returns an independent copy of these options.</summary>
    /// <returns>A new options instance with the same values.</returns>
    public ByolViewOptions Clone() => (ByolViewOptions)MemberwiseClone();

    /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> naming the first bad property.</summary>
    /// <param name="name">The name of these options in the caller (e.g. "View1"), used as a prefix in messages.</param>
    internal void Validate(string name)
    {
        Range(name, nameof(CropScaleMin), CropScaleMin, 0, 1, lowerOpen: true);
        Range(name, nameof(CropScaleMax), CropScaleMax, CropScaleMin, 1);
        Range(name, nameof(CropRatioMin), CropRatioMin, 0, double.MaxValue, lowerOpen: true);
        Range(name, nameof(CropRatioMax), CropRatioMax, CropRatioMin, double.MaxValue);
        Range(name, nameof(FlipProbability), FlipProbability, 0, 1);
        Range(name, nameof(ColorJitterProbability), ColorJitterProbability, 0, 1);
        Range(name, nameof(Brightness), Brightness, 0, BrightnessIsAdditive ? 1 : double.MaxValue);
        Range(name, nameof(Contrast), Contrast, 0, double.MaxValue);
        Range(name, nameof(Saturation), Saturation, 0, double.MaxValue);
        Range(name, nameof(Hue), Hue, 0, 0.5);
        Range(name, nameof(GrayscaleProbability), GrayscaleProbability, 0, 1);
        Range(name, nameof(BlurProbability), BlurProbability, 0, 1);
        Range(name, nameof(BlurSigmaMin), BlurSigmaMin, 0, double.MaxValue, lowerOpen: true);
        Range(name, nameof(BlurSigmaMax), BlurSigmaMax, BlurSigmaMin, double.MaxValue);
        Range(name, nameof(BlurKernelFraction), BlurKernelFraction, 0, 1, lowerOpen: true);
        Range(name, nameof(SolarizeProbability), SolarizeProbability, 0, 1);
        Range(name, nameof(SolarizeThreshold), SolarizeThreshold, 0, 1);
    }

    private static void Range(string owner, string property, double value, double min, double max, bool lowerOpen = false)
    {
        bool ok = !double.IsNaN(value) && (lowerOpen ? value > min : value >= min) && value <= max;
        if (!ok)
        {
            string lower = lowerOpen ? "(" : "[";
            string upper = max == double.MaxValue ? "∞)" : $"{max}]";
            throw new ArgumentOutOfRangeException(
                $"{owner}.{property}", value, $"{owner}.{property} must be in {lower}{min}, {upper}; it is {value}.");
        }
    }
}
