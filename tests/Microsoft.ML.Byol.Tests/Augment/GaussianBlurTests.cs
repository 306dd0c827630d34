using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class GaussianBlurTests
{
    public GaussianBlurTests() => TorchRuntime.EnsureInitialized();

    [Theory]
    [InlineData(224, 0.1, 23)]
    [InlineData(96, 0.1, 9)]
    [InlineData(32, 0.1, 3)]
    [InlineData(2, 0.1, 3)]
    [InlineData(1, 0.1, 1)]
    public void KernelSizeIsAboutATenthOddAndAtLeastThree(int side, double fraction, int expected)
        => GaussianBlur.KernelSize(side, fraction).Should().Be(expected);

    [Fact]
    public void KernelIsNormalisedAndSymmetric()
    {
        var k = GaussianBlur.Kernel(9, 1.5);
        k.Sum().Should().BeApproximately(1f, 1e-6f);
        k.Should().Equal(k.Reverse(), (a, b) => Math.Abs(a - b) < 1e-7);
        k[4].Should().Be(k.Max());
    }

    [Fact]
    public void BlurRemovesHighFrequencyEnergyAndKeepsConstants()
    {
        var options = CropOnly();
        options.CropScaleMin = 1;
        options.CropRatioMin = 1;
        options.CropRatioMax = 1;
        options.FlipProbability = 0;
        options.BlurProbability = 1;
        options.BlurSigmaMin = 1;
        options.BlurKernelFraction = 0.2;
        using var noise = SameNoise(16, 32);
        using var blurred = new ViewAugmenter(options, 32).ApplyUnnormalized(noise, Generator(41));
        float before = HorizontalEnergy(noise)[0];
        HorizontalEnergy(blurred).Should().OnlyContain(e => e < 0.35f * before);

        using var constant = Constant(4, 32, 0.3f, 0.6f, 0.9f);
        using var still = new ViewAugmenter(options, 32).ApplyUnnormalized(constant, Generator(42));
        still.allclose(constant, atol: 1e-5).Should().BeTrue("reflect padding and normalised kernels keep a constant image");
    }

    [Fact]
    public void EachImageGetsItsOwnSigma()
    {
        using var noise = SameNoise(64, 32);
        using var blurred = GaussianBlur.Blur(noise, Enumerable.Range(0, 64).Select(i => 0.1 + 1.9 * i / 63).ToArray(), 7);
        var energy = HorizontalEnergy(blurred);
        energy.Should().BeInDescendingOrder("a larger σ removes more high frequencies");
        energy[0].Should().BeApproximately(HorizontalEnergy(noise)[0], 1e-4f, "σ = 0.1 is almost the identity");

        var options = ByolViewOptions.PaperView1();
        options.BlurSigmaMin = 0.1;
        using var random = GaussianBlur.Apply(noise, options, Generator(43));
        HorizontalEnergy(random).Distinct().Count().Should().BeGreaterThan(50, "σ is drawn per image");
    }
}
