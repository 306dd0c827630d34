using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Augment;
using TorchSharp;
using static Microsoft.ML.Byol.Tests.Augment.AugmentTestImages;

namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class ViewAugmenterTests
{
    public ViewAugmenterTests() => TorchRuntime.EnsureInitialized();

    public static TheoryData<string> Views => new() { "PaperView1", "PaperView2", "SmallImageView2", "Additive" };

    private static ByolViewOptions View(string name) => name switch
    {
        "PaperView1" => ByolViewOptions.PaperView1(),
        "PaperView2" => ByolViewOptions.PaperView2(),
        "SmallImageView2" => ByolViewOptions.SmallImageView2(),
        _ => new ByolViewOptions { BrightnessIsAdditive = true, SolarizeProbability = 0.5 },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void ViewsAreFiniteInRangeAndNormalised(string view)
    {
        using var images = torch.rand(new long[] { 64, 3, 40, 36 }, generator: Generator(31));
        var augmenter = new ViewAugmenter(View(view), 24);
        using var raw = augmenter.ApplyUnnormalized(images, Generator(32));
        raw.shape.Should().Equal(64, 3, 24, 24);
        raw.isfinite().all().item<bool>().Should().BeTrue();
        raw.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
        raw.max().item<float>().Should().BeLessThanOrEqualTo(1f);

        using var normalised = augmenter.Apply(images, Generator(32));
        using var expected = Normalize.ImageNet(raw);
        normalised.allclose(expected, atol: 1e-6).Should().BeTrue("Apply is the unnormalised view, normalised");
        normalised.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void SameSeedSameViewsOtherSeedOtherViews()
    {
        using var images = torch.rand(new long[] { 16, 3, 32, 32 }, generator: Generator(33));
        var augmenter = new ViewAugmenter(ByolViewOptions.PaperView2(), 32);
        using var a = augmenter.Apply(images, Generator(5));
        using var b = augmenter.Apply(images, Generator(5));
        using var c = augmenter.Apply(images, Generator(6));
        a.eq(b).all().item<bool>().Should().BeTrue();
        c.eq(a).all().item<bool>().Should().BeFalse();

        // One generator carries on: the next batch's views differ from the first's.
        var generator = Generator(5);
        using var first = augmenter.Apply(images, generator);
        using var second = augmenter.Apply(images, generator);
        first.eq(a).all().item<bool>().Should().BeTrue();
        second.eq(first).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void OneChannelBytesBecomeThreeEqualChannelsAndAugment()
    {
        using var bytes = torch.randint(0, 256, new long[] { 4, 1, 20, 20 }, dtype: torch.ScalarType.Byte, generator: Generator(34));
        using var rgb = ByteImages.ToFloatRgb(bytes, torch.CPU);
        rgb.shape.Should().Equal(4, 3, 20, 20);
        rgb.dtype.Should().Be(torch.ScalarType.Float32);
        using var expected = bytes.to_type(torch.ScalarType.Float32) / 255f;
        for (int c = 0; c < 3; c++)
        {
            rgb.narrow(1, c, 1).allclose(expected, atol: 1e-7).Should().BeTrue();
        }

        using var view = new ViewAugmenter(ByolViewOptions.SmallImageView1(), 16).Apply(rgb, Generator(35));
        view.shape.Should().Equal(4, 3, 16, 16);
        view.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        using var twoChannels = torch.zeros(new long[] { 2, 2, 8, 8 }, dtype: torch.ScalarType.Byte);
        FluentActions.Invoking(() => ByteImages.ToFloatRgb(twoChannels, torch.CPU)).Should().Throw<ArgumentException>();
        using var doubles = torch.zeros(new long[] { 2, 3, 8, 8 }, dtype: torch.ScalarType.Float64);
        FluentActions.Invoking(() => new ViewAugmenter(ByolViewOptions.PaperView1(), 8).Apply(doubles, Generator(1)))
            .Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new ViewAugmenter(new ByolViewOptions { FlipProbability = 2 }, 8))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName!.Contains("FlipProbability"));
    }

    [Fact]
    public void RepeatedViewsLeaveNoLiveTensorsBehind()
    {
        using var images = torch.rand(new long[] { 8, 3, 20, 20 }, generator: Generator(38));
        var generator = Generator(39);
        var augmenters = new[] { ByolViewOptions.PaperView1(), ByolViewOptions.PaperView2() }.Select(o => new ViewAugmenter(o, 16)).ToArray();
        augmenters[0].Apply(images, generator).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int step = 0; step < 20; step++)
        {
            foreach (var augmenter in augmenters)
            {
                augmenter.Apply(images, generator).Dispose();
            }
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(before);
    }
}
