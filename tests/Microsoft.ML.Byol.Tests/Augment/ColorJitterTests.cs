using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class ColorJitterTests
{
    [Fact]
    public void HueRotationOfZeroOrAFullTurnIsTheIdentity()
    {
        using var colours = torch.rand(new long[] { 8, 3, 6, 6 }, generator: Generator(51));
        using var zero = torch.zeros(8, 1, 1, 1);
        using var turn = torch.ones(8, 1, 1, 1);
        using var same = Hsv.RotateHue(colours, zero);
        using var around = Hsv.RotateHue(colours, turn);
        same.allclose(colours, atol: 1e-5).Should().BeTrue();
        around.allclose(colours, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void HueRotationOfAThirdTurnsRedIntoGreenAndKeepsGray()
    {
        using var images = torch.tensor(new[] { 1f, 0f, 0f, 0.5f, 0.5f, 0.5f, 0.8f, 0.4f, 0.2f }, new long[] { 3, 3, 1, 1 });
        using var third = torch.full(new long[] { 3, 1, 1, 1 }, 1f / 3);
        using var rotated = Hsv.RotateHue(images, third);
        rotated.reshape(-1).data<float>().ToArray().Should().Equal(
            new[] { 0f, 1f, 0f, 0.5f, 0.5f, 0.5f, 0.2f, 0.8f, 0.4f }, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void EachOpChangesAsDocumented()
    {
        using var image = torch.tensor(new[] { 0.2f, 0.4f, 0.6f }, new long[] { 1, 3, 1, 1 });
        using var half = torch.full(new long[] { 1, 1, 1, 1 }, 0.5f);
        float[] Values(ColorJitter.Op op, bool additive = false)
        {
            using var changed = ColorJitter.Change(op, image, half, additive);
            return changed.reshape(-1).data<float>().ToArray();
        }

        Values(ColorJitter.Op.Brightness).Should().Equal(new[] { 0.1f, 0.2f, 0.3f }, (a, b) => Math.Abs(a - b) < 1e-6);
        Values(ColorJitter.Op.Brightness, additive: true).Should().Equal(new[] { 0.7f, 0.9f, 1.1f }, (a, b) => Math.Abs(a - b) < 1e-6);
        float luma = 0.2f * 0.2989f + 0.4f * 0.5870f + 0.6f * 0.1140f;
        Values(ColorJitter.Op.Saturation).Should().Equal(new[] { 0.1f + luma / 2, 0.2f + luma / 2, 0.3f + luma / 2 }, (a, b) => Math.Abs(a - b) < 1e-6);
        Values(ColorJitter.Op.Contrast).Should().Equal(new[] { 0.1f + luma / 2, 0.2f + luma / 2, 0.3f + luma / 2 }, (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void AmountsCoverTheDocumentedRanges()
    {
        var o = ByolViewOptions.PaperView1();
        ColorJitter.Amount(ColorJitter.Op.Brightness, 0, o).Should().BeApproximately(0.6f, 1e-6f);
        ColorJitter.Amount(ColorJitter.Op.Brightness, 1, o).Should().BeApproximately(1.4f, 1e-6f);
        ColorJitter.Amount(ColorJitter.Op.Saturation, 0, o).Should().BeApproximately(0.8f, 1e-6f);
        ColorJitter.Amount(ColorJitter.Op.Hue, 0, o).Should().BeApproximately(-0.1f, 1e-6f);
        ColorJitter.Amount(ColorJitter.Op.Hue, 1, o).Should().BeApproximately(0.1f, 1e-6f);
        o.BrightnessIsAdditive = true;
        ColorJitter.Amount(ColorJitter.Op.Brightness, 0, o).Should().BeApproximately(-0.4f, 1e-6f);
    }

    [Fact]
    public void OrderIsAPermutationAndVariesPerImage()
    {
        var generator = Generator(52);
        var draws = PerImageRandom.Uniform(generator, 500, 4);
        var orders = Enumerable.Range(0, 500).Select(i => ColorJitter.Order(draws.AsSpan(i * 4, 4))).ToArray();
        orders.Should().OnlyContain(o => o.OrderBy(v => v).SequenceEqual(new[] { 0, 1, 2, 3 }));
        orders.Select(o => string.Join("", o)).Distinct().Count().Should().Be(24);
        ColorJitter.Order(new[] { 0.9f, 0.1f, 0.5f, 0.3f }).Should().Equal(1, 3, 2, 0);
    }

    [Fact]
    public void OrderMattersAndIsDrawnPerImage()
    {
        // Brightness ×1.4 then contrast differs from contrast then brightness once clamping bites; identical images
        // jittered together end up with many different colours.
        using var images = Constant(256, 4, 0.3f, 0.6f, 0.9f);
        var options = ByolViewOptions.PaperView1();
        options.ColorJitterProbability = 1;
        using var jittered = ColorJitter.Apply(images, options, Generator(53));
        jittered.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
        jittered.max().item<float>().Should().BeLessThanOrEqualTo(1f);
        using var firstPixels = jittered.select(3, 0).select(2, 0);
        var colours = firstPixels.data<float>().ToArray().Chunk(3).Select(c => string.Join(",", c.Select(v => v.ToString("F4")))).Distinct().Count();
        colours.Should().Be(256);
    }
}
