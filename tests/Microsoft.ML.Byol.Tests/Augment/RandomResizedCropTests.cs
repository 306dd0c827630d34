using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class RandomResizedCropTests
{
    public RandomResizedCropTests() => TorchRuntime.EnsureInitialized();

    [Fact]
    public void CropsOfRampsShowTheSampledBoxesAndTheScaleRange()
    {
        // On ramps, a view's values at two columns (rows) give its crop's width (height) and center in the input.
        const int count = 2000, side = 64, output = 32;
        var options = CropOnly();
        using var images = Ramps(count, side);
        using var augmented = new ViewAugmenter(options, output).ApplyUnnormalized(images, Generator(21));
        var boxes = RandomResizedCrop.SampleBoxes(count, side, side, options, Generator(21)); // the same first draws
        const int c1 = 8, c2 = 23; // symmetric about the center: (c1 + c2 + 1) / 2 = output / 2
        var x = augmented.select(1, 0).select(1, output / 2);
        var y = augmented.select(1, 1).select(2, output / 2);
        var x1 = x.select(1, c1).data<float>().ToArray();
        var x2 = x.select(1, c2).data<float>().ToArray();
        var y1 = y.select(1, c1).data<float>().ToArray();
        var y2 = y.select(1, c2).data<float>().ToArray();
        var areas = new double[count];
        var errors = new List<double>();
        for (int i = 0; i < count; i++)
        {
            double width = Math.Abs(x2[i] - x1[i]) * output / (c2 - c1) * side;
            double height = (y2[i] - y1[i]) * output / (c2 - c1) * side;
            double centerX = (x1[i] + x2[i]) / 2 * side, centerY = (y1[i] + y2[i]) / 2 * side;
            // When a box is scaled down, the antialiasing filter (a triangle as wide as the scale, as torch's
            // antialias) sampled at whole pixels has its centroid up to ~0.1 pixel off the sample point, which the
            // width estimate magnifies by output / (c2 − c1): a bound of half a pixel each, a small mean error overall.
            width.Should().BeApproximately(boxes[i].Width, 8e-3 * side);
            height.Should().BeApproximately(boxes[i].Height, 8e-3 * side);
            centerX.Should().BeApproximately(boxes[i].Left + boxes[i].Width / 2.0, 8e-3 * side);
            centerY.Should().BeApproximately(boxes[i].Top + boxes[i].Height / 2.0, 8e-3 * side);
            errors.Add(Math.Abs(width - boxes[i].Width));
            errors.Add(Math.Abs(height - boxes[i].Height));
            errors.Add(Math.Abs(centerX - boxes[i].Left - boxes[i].Width / 2.0));
            errors.Add(Math.Abs(centerY - boxes[i].Top - boxes[i].Height / 2.0));
            areas[i] = width * height / (side * side);
            areas[i].Should().BeInRange(0.075, 1.005);
            (width / height).Should().BeInRange(0.75 - 0.05, 4.0 / 3 + 0.05);
        }

        errors.Average().Should().BeLessThan(2e-3 * side);

        // Accepted areas of torchvision's sampler at 64 px: mean 0.484, 27.5 % below 0.3, 22 % above 0.7.
        areas.Average().Should().BeInRange(0.45, 0.52);
        areas.Count(a => a < 0.3).Should().BeInRange(count / 5, count * 7 / 20);
        areas.Count(a => a > 0.7).Should().BeInRange(count * 3 / 20, count * 3 / 10);
    }

    [Fact]
    public void AspectRatiosAreLogUniformAndBoxesFit()
    {
        var options = ByolViewOptions.PaperView1();
        var boxes = RandomResizedCrop.SampleBoxes(4000, 48, 40, options, Generator(22));
        boxes.Should().OnlyContain(b => b.Top >= 0 && b.Left >= 0 && b.Top + b.Height <= 48 && b.Left + b.Width <= 40 && b.Height > 0 && b.Width > 0);
        var logRatios = boxes.Select(b => Math.Log((double)b.Width / b.Height)).ToArray();
        logRatios.Should().OnlyContain(r => Math.Abs(r) < Math.Log(4.0 / 3) + 0.1);
        logRatios.Count(r => r > 0).Should().BeInRange(1600, 2400); // rejections near full area are roughly symmetric
        boxes.Select(b => b.Width * 1000 + b.Height).Distinct().Count().Should().BeGreaterThan(200);
    }

    [Fact]
    public void AnImpossibleRatioFallsBackToACenterCrop()
    {
        var options = new ByolViewOptions { CropScaleMin = 1, CropScaleMax = 1, CropRatioMin = 2, CropRatioMax = 3 };
        var box = RandomResizedCrop.ChooseBox(new float[RandomResizedCrop.Attempts * 4], 40, 40, options);
        box.Should().Be(new CropBox(10, 0, 20, 40)); // the full width, height clipped to the smallest ratio, centered
    }

    [Fact]
    public void FullCropWithoutFlipIsTheIdentityAndFlipMirrors()
    {
        using var images = torch.rand(new long[] { 2, 3, 20, 20 }, generator: Generator(23));
        var full = new[] { new CropBox(0, 0, 20, 20), new CropBox(0, 0, 20, 20) };
        using var same = RandomResizedCrop.Resample(images, full, new[] { false, true }, 20);
        same[0].allclose(images[0], atol: 1e-5).Should().BeTrue();
        using var mirrored = images[1].flip(2);
        same[1].allclose(mirrored, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void IdenticalImagesGetDifferentCrops()
    {
        using var images = SameNoise(32, 32);
        using var views = new ViewAugmenter(CropOnly(), 24).ApplyUnnormalized(images, Generator(24));
        using var flat = views.reshape(32, -1);
        using var distances = torch.cdist(flat, flat);
        using var offDiagonal = distances + torch.eye(32) * 1e3f;
        offDiagonal.min().item<float>().Should().BeGreaterThan(1e-2f);
    }
}
