using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class ColorJitterTests
{
    public ColorJitterTests() => TorchRuntime.EnsureInitialized();

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
        // Two pixels: (0.2, 0.4, 0.6) and (0.6, 0.8, 1.0); mean luma over both for contrast, per-pixel luma for saturation.
        using var image = torch.tensor(new[] { 0.2f, 0.6f, 0.4f, 0.8f, 0.6f, 1.0f }, new long[] { 1, 3, 1, 2 });
        float[] Values(ColorJitter.Op op, bool additive = false)
        {
            using var changed = ColorJitter.Change(op, image, new[] { 0.5f }, additive);
            return changed.reshape(-1).data<float>().ToArray();
        }

        static float Luma(float r, float g, float b) => 0.2989f * r + 0.5870f * g + 0.1140f * b;
        float l0 = Luma(0.2f, 0.4f, 0.6f), l1 = Luma(0.6f, 0.8f, 1.0f), mean = (l0 + l1) / 2;
        Values(ColorJitter.Op.Brightness).Should().Equal(new[] { 0.1f, 0.3f, 0.2f, 0.4f, 0.3f, 0.5f }, Close);
        Values(ColorJitter.Op.Brightness, additive: true).Should().Equal(new[] { 0.7f, 1.1f, 0.9f, 1.3f, 1.1f, 1.5f }, Close);
        Values(ColorJitter.Op.Contrast).Should().Equal(
            new[] { 0.1f, 0.3f, 0.2f, 0.4f, 0.3f, 0.5f }.Select(v => v + mean / 2), Close);
        Values(ColorJitter.Op.Saturation).Should().Equal(
            new[] { 0.1f + l0 / 2, 0.3f + l1 / 2, 0.2f + l0 / 2, 0.4f + l1 / 2, 0.3f + l0 / 2, 0.5f + l1 / 2 }, Close);
    }

    [Fact]
    public void HueRotationMatchesAScalarHsvReference()
    {
        var generator = Generator(54);
        var colours = PerImageRandom.Uniform(generator, 200, 3);
        var shifts = PerImageRandom.Uniform(generator, 200).Select(u => (u - 0.5f) * 0.4f).ToArray();
        using var images = torch.tensor(colours, new long[] { 200, 3, 1, 1 });
        using var rotated = ColorJitter.Change(ColorJitter.Op.Hue, images, shifts, false);
        var actual = rotated.reshape(-1).data<float>().ToArray();
        for (int i = 0; i < 200; i++)
        {
            var expected = ReferenceHueShift(colours[i * 3], colours[i * 3 + 1], colours[i * 3 + 2], shifts[i]);
            actual.Skip(i * 3).Take(3).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-6;

    // Textbook RGB -> HSV -> shift hue -> RGB, one pixel at a time.
    private static float[] ReferenceHueShift(float r, float g, float b, float shift)
    {
        float max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), c = max - min;
        double h = c == 0 ? 0 : max == r ? (g - b) / c : max == g ? 2 + (b - r) / c : 4 + (r - g) / c;
        h = ((h / 6 + shift) % 1 + 1) % 1;
        double s = max == 0 ? 0 : c / max, v = max;
        int sector = (int)Math.Floor(h * 6) % 6;
        double f = h * 6 - Math.Floor(h * 6);
        double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        var (rr, gg, bb) = sector switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
        return new[] { (float)rr, (float)gg, (float)bb };
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
