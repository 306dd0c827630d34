using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

/// <summary>
/// Random resized crops of pictures stored whole in a padded square: drawn inside each picture's content box, reaching
/// every side of landscape and portrait pictures, and scaled down with antialiasing.
/// </summary>
public sealed class WholeImageCropTests
{
    private const int Side = 48;

    public WholeImageCropTests() => TorchRuntime.EnsureInitialized();

    /// <summary>
    /// <paramref name="count"/> copies of a picture in a black Side×Side square: grey inside, 4-pixel bands of red
    /// (left), green (right), blue (top) and white (bottom) along its edges.
    /// </summary>
    private static torch.Tensor MarkedPicture(int count, CropBox content)
    {
        using var scope = torch.NewDisposeScope();
        var picture = torch.full(new long[] { 3, content.Height, content.Width }, 0.5f);
        const int band = 4; // narrower than the 6 pixels a centre square cuts off each side
        void Paint(torch.Tensor region, float r, float g, float b)
        {
            region[0].fill_(r);
            region[1].fill_(g);
            region[2].fill_(b);
        }
        Paint(picture[.., .., ..band], 1, 0, 0);
        Paint(picture[.., .., (content.Width - band)..], 0, 1, 0);
        Paint(picture[.., ..band, band..(content.Width - band)], 0, 0, 1);
        Paint(picture[.., (content.Height - band).., band..(content.Width - band)], 1, 1, 1);
        var square = torch.zeros(3, Side, Side);
        square[.., content.Top..(content.Top + content.Height), content.Left..(content.Left + content.Width)] = picture;
        return square.unsqueeze(0).expand(count, -1, -1, -1).contiguous().MoveToOuterDisposeScope();
    }

    private static CropBox Landscape => new(6, 0, 36, 48);   // 4:3, fitted and centred
    private static CropBox Portrait => new(0, 6, 48, 36);    // 3:4

    public static TheoryData<string> Pictures() => new() { "landscape", "portrait" };

    private static CropBox ContentOf(string picture) => picture == "landscape" ? Landscape : Portrait;

    [Theory]
    [MemberData(nameof(Pictures))]
    public void CropsReachEverySideAndNeverThePadding(string picture)
    {
        const int count = 400;
        var content = ContentOf(picture);
        using var images = MarkedPicture(count, content);
        using var views = new ViewAugmenter(CropOnly(), 16).ApplyUnnormalized(images, Generator(51), Enumerable.Repeat(content, count).ToArray());

        using var r = views[.., 0];
        using var g = views[.., 1];
        using var b = views[.., 2];
        bool Seen(torch.Tensor mask) => mask.any().item<bool>();
        Seen(r.gt(0.9f) & g.lt(0.1f) & b.lt(0.1f)).Should().BeTrue("some crops reach the left edge (red)");
        Seen(g.gt(0.9f) & r.lt(0.1f) & b.lt(0.1f)).Should().BeTrue("some crops reach the right edge (green)");
        Seen(b.gt(0.9f) & r.lt(0.1f) & g.lt(0.1f)).Should().BeTrue("some crops reach the top edge (blue)");
        Seen(r.gt(0.9f) & g.gt(0.9f) & b.gt(0.9f)).Should().BeTrue("some crops reach the bottom edge (white)");
        using var brightest = views.amax(new long[] { 1 });
        brightest.min().item<float>().Should().BeGreaterThan(0.45f, "no crop reaches into the black padding");
    }

    [Theory]
    [MemberData(nameof(Pictures))]
    public void AFullCropIsTheResizedWholePicture(string picture)
    {
        var content = ContentOf(picture);
        using var images = torch.zeros(2, 3, Side, Side);
        using var noise = torch.rand(new long[] { 2, 3, content.Height, content.Width }, generator: Generator(52));
        images[.., .., content.Top..(content.Top + content.Height), content.Left..(content.Left + content.Width)] = noise;

        // Scale 1 with the picture's own ratio: the sampler's box is the whole content box.
        var options = CropOnly();
        (options.CropScaleMin, options.CropScaleMax, options.FlipProbability) = (1, 1, 0);
        options.CropRatioMin = options.CropRatioMax = (double)content.Width / content.Height;
        var boxes = new[] { content, content };
        using var views = new ViewAugmenter(options, 16).ApplyUnnormalized(images, Generator(53), boxes);

        // torch's own antialiased bilinear resize of the picture alone.
        using var expected = torch.nn.functional.interpolate(noise, new long[] { 16, 16 }, mode: torch.InterpolationMode.Bilinear,
            align_corners: false, antialias: true);
        (views - expected).abs().max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void DownscalingAFineCheckerboardDoesNotAlias()
    {
        // One-pixel checkerboard, 48 → 16: a point-sampling resize lands on pixel centres and keeps full contrast.
        using var x = torch.arange(Side).view(1, -1);
        using var y = torch.arange(Side).view(-1, 1);
        using var board = (x + y).remainder(2).to_type(torch.ScalarType.Float32).expand(3, -1, -1).unsqueeze(0).contiguous();
        using var view = RandomResizedCrop.Resample(board, new[] { CropBox.Whole(Side, Side) }, new[] { false }, 16);
        view.mean().item<float>().Should().BeApproximately(0.5f, 0.01f);
        view.std().item<float>().Should().BeLessThan(0.05f, "an antialiased downscale averages the squares to grey");
    }

    [Fact]
    public void TheCenterViewIsTheCentreSquareOfThePicture()
    {
        var content = Landscape;
        using var images = MarkedPicture(1, content);
        using var view = CenterView.Apply(images, new[] { content }, 16);
        using var expected = RandomResizedCrop.Resample(images, new[] { new CropBox(6, 6, 36, 36) }, new[] { false }, 16);
        view.allclose(expected).Should().BeTrue();
        using var same = CenterView.Apply(images, null, Side);
        same.equal(images).all().item<bool>().Should().BeTrue("a cache already at the input size with no padding is used as it is");
    }
}
