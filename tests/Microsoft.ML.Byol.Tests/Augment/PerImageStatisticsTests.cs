using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

/// <summary>Over thousands of images, each random step happens to the expected fraction of images (per-image draws).</summary>
public sealed class PerImageStatisticsTests
{
    public PerImageStatisticsTests() => TorchRuntime.EnsureInitialized();

    private const int Images = 2400;

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.2)]
    public void SolarisedFractionMatchesTheView(int view, double expected)
    {
        // A constant 0.7 image stays 0.7 through crop, flip, grayscale and blur; only solarisation turns it into 0.3.
        var options = view == 1 ? ByolViewOptions.PaperView1() : ByolViewOptions.PaperView2();
        options.ColorJitterProbability = 0;
        using var images = Constant(Images, 12, 0.7f, 0.7f, 0.7f);
        using var augmented = new ViewAugmenter(options, 12).ApplyUnnormalized(images, Generator(11));
        using var means = augmented.mean(new long[] { 1, 2, 3 });
        int solarised = means.data<float>().ToArray().Count(m => m < 0.5f);
        var (low, high) = FourSigma(Images, expected);
        solarised.Should().BeInRange((int)Math.Floor(low), (int)Math.Ceiling(high));
        if (expected == 0)
        {
            solarised.Should().Be(0);
        }
    }

    [Fact]
    public void FlippedFractionIsAboutAHalf()
    {
        // On a left-to-right ramp the sign of the horizontal slope tells whether the view was mirrored.
        var options = ByolViewOptions.PaperView1();
        options.ColorJitterProbability = 0;
        using var images = Ramps(Images, 16);
        using var augmented = new ViewAugmenter(options, 16).ApplyUnnormalized(images, Generator(12));
        using var slope = augmented.select(1, 0).select(1, 8).select(1, 12) - augmented.select(1, 0).select(1, 8).select(1, 3);
        int flipped = slope.data<float>().ToArray().Count(s => s < 0);
        var (low, high) = FourSigma(Images, 0.5);
        flipped.Should().BeInRange((int)low, (int)high);
    }

    [Fact]
    public void GrayscaleFractionIsAboutAFifthEvenWithJitter()
    {
        // Jitter never makes the channels of (0.2, 0.5, 0.8) equal; grayscale always does (and blur keeps it so).
        using var images = Constant(Images, 12, 0.2f, 0.5f, 0.8f);
        using var augmented = new ViewAugmenter(ByolViewOptions.PaperView1(), 12).ApplyUnnormalized(images, Generator(13));
        using var spread = (augmented.amax(new long[] { 1 }) - augmented.amin(new long[] { 1 })).amax(new long[] { 1, 2 });
        int gray = spread.data<float>().ToArray().Count(s => s < 1e-5f);
        var (low, high) = FourSigma(Images, 0.2);
        gray.Should().BeInRange((int)low, (int)high);
    }

    [Fact]
    public void JitteredFractionIsAboutFourFifths()
    {
        var options = CropOnly();
        options.ColorJitterProbability = 0.8;
        using var images = Constant(Images, 8, 0.2f, 0.5f, 0.8f);
        using var augmented = new ViewAugmenter(options, 8).ApplyUnnormalized(images, Generator(14));
        using var change = (augmented - images).abs().amax(new long[] { 1, 2, 3 });
        int jittered = change.data<float>().ToArray().Count(c => c > 1e-4f);
        var (low, high) = FourSigma(Images, 0.8);
        jittered.Should().BeInRange((int)low, (int)high);
    }

    [Fact]
    public void BlurredFractionInViewTwoIsAboutATenth()
    {
        // A one-pixel vertical line keeps its peak unless blurred (σ ≥ 0.1 spreads at least a little at kernel 3).
        var options = CropOnly(ByolViewOptions.PaperView2());
        options.BlurProbability = 0.1;
        options.BlurSigmaMin = 0.5;
        options.CropScaleMin = 1;
        options.CropRatioMin = 1;
        options.CropRatioMax = 1;
        options.FlipProbability = 0;
        using var line = torch.zeros(Images, 3, 16, 16);
        line.select(3, 8).fill_(1f);
        using var augmented = new ViewAugmenter(options, 16).ApplyUnnormalized(line, Generator(15));
        using var peak = augmented.amax(new long[] { 1, 2, 3 });
        int blurred = peak.data<float>().ToArray().Count(p => p < 0.99f);
        var (low, high) = FourSigma(Images, 0.1);
        blurred.Should().BeInRange((int)low, (int)high);
    }
}
