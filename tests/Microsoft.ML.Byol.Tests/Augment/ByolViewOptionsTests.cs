namespace Microsoft.ML.Byol.Tests.Augment;

public sealed class ByolViewOptionsTests
{
    [Fact]
    public void PaperViewsFollowTheSpecTable()
    {
        var v1 = ByolViewOptions.PaperView1();
        var v2 = ByolViewOptions.PaperView2();
        foreach (var v in new[] { v1, v2 })
        {
            (v.CropScaleMin, v.CropScaleMax, v.FlipProbability, v.ColorJitterProbability, v.GrayscaleProbability).Should().Be((0.08, 1.0, 0.5, 0.8, 0.2));
            (v.Brightness, v.Contrast, v.Saturation, v.Hue).Should().Be((0.4, 0.4, 0.2, 0.1));
            v.CropRatioMin.Should().BeApproximately(0.75, 1e-12);
            v.CropRatioMax.Should().BeApproximately(4.0 / 3, 1e-12);
            (v.BlurSigmaMin, v.BlurSigmaMax, v.BlurKernelFraction, v.SolarizeThreshold).Should().Be((0.1, 2.0, 0.1, 0.5));
        }

        (v1.BlurProbability, v1.SolarizeProbability).Should().Be((1.0, 0.0));
        (v2.BlurProbability, v2.SolarizeProbability).Should().Be((0.1, 0.2));
        (ByolViewOptions.SmallImageView1().BlurProbability, ByolViewOptions.SmallImageView1().SolarizeProbability).Should().Be((0.0, 0.0));
        (ByolViewOptions.SmallImageView2().BlurProbability, ByolViewOptions.SmallImageView2().SolarizeProbability).Should().Be((0.0, 0.2));
    }

    [Fact]
    public void CloneIsIndependent()
    {
        var a = ByolViewOptions.PaperView2();
        var b = a.Clone();
        b.SolarizeProbability = 0.9;
        a.SolarizeProbability.Should().Be(0.2);
    }

    [Theory]
    [InlineData(nameof(ByolViewOptions.CropScaleMin), 0.0)]
    [InlineData(nameof(ByolViewOptions.CropScaleMax), 0.05)]
    [InlineData(nameof(ByolViewOptions.CropRatioMax), 0.5)]
    [InlineData(nameof(ByolViewOptions.FlipProbability), 1.5)]
    [InlineData(nameof(ByolViewOptions.Hue), 0.6)]
    [InlineData(nameof(ByolViewOptions.BlurSigmaMax), 0.05)]
    [InlineData(nameof(ByolViewOptions.SolarizeProbability), double.NaN)]
    [InlineData(nameof(ByolViewOptions.Brightness), -0.1)]
    public void ValidationNamesTheBadProperty(string property, double value)
    {
        var options = ByolViewOptions.PaperView1();
        typeof(ByolViewOptions).GetProperty(property)!.SetValue(options, value);
        FluentActions.Invoking(() => options.Validate("View1")).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "View1." + property && e.Message.Contains(property));
        ByolViewOptions.PaperView1().Invoking(o => o.Validate("View1")).Should().NotThrow();
    }
}
