using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Recipes;

namespace Microsoft.ML.Byol.Tests.Recipes;

public sealed class ByolRecipeTests
{
    [Theory]
    [InlineData(1000, "long", 0.2, 1.5e-6, 1e-3, 0.996)]
    [InlineData(300, "medium", 0.3, 1e-6, 1e-3, 0.99)]
    [InlineData(20, "short", 1.0, 1.5e-6, 1e-2, 0.99)]
    public void UnsetValuesFollowTheRunLength(double epochs, string name, double lr, double wd, double eta, double tau)
    {
        var choice = ByolRecipe.Choose(new ByolOptions { ImageSize = 224 }, epochs, pretrained: false);
        choice.Name.Should().Be(name);
        (choice.BaseLearningRate, choice.WeightDecay, choice.TrustCoefficient, choice.TauBase).Should().Be((lr, wd, eta, tau));
        choice.View1.BlurProbability.Should().Be(1.0);      // the paper's views above 64 px
        choice.View2.SolarizeProbability.Should().Be(0.2);
        choice.EncoderLearningRateScale.Should().Be(1.0);
        choice.FrozenEncoderFraction.Should().Be(0.0);
        choice.FreezeEncoderBatchNorm.Should().BeFalse();
    }

    [Fact]
    public void SmallImagesGetViewsWithoutBlurAndEveryValueIsLogged()
    {
        var choice = ByolRecipe.Choose(new ByolOptions { ImageSize = 32 }, 20, pretrained: false);
        choice.View1.BlurProbability.Should().Be(0);
        choice.View2.BlurProbability.Should().Be(0);
        foreach (var option in new[] { "BaseLearningRate", "WeightDecay", "TrustCoefficient", "TauBase", "WarmupEpochs", "View1", "View2",
                     "EncoderLearningRateScale", "FrozenEncoderFraction", "FreezeEncoderBatchNorm" })
            choice.Log.Should().Contain(line => line.StartsWith(option + " = "), $"{option} is chosen and must be logged");
    }

    [Fact]
    public void SetOptionsWinOverTheRecipe()
    {
        var view = new ByolViewOptions { FlipProbability = 0 };
        var options = new ByolOptions { BaseLearningRate = 0.05, TauBase = 0.9, TrustCoefficient = 0.5, View1 = view, EncoderLearningRateScale = 0.3, FreezeEncoderBatchNorm = false };
        var choice = ByolRecipe.Choose(options, 5, pretrained: true);
        choice.Name.Should().Be("fine-tune");
        (choice.BaseLearningRate, choice.TauBase, choice.TrustCoefficient).Should().Be((0.05, 0.9, 0.5));
        choice.View1.Should().BeSameAs(view);
        choice.EncoderLearningRateScale.Should().Be(0.3);
        choice.FreezeEncoderBatchNorm.Should().BeFalse();
        choice.FrozenEncoderFraction.Should().BeGreaterThan(0);   // not set: the fine-tuning recipe's
        choice.Log.Should().Contain("BaseLearningRate = 0.05 (set)");
    }

    [Fact]
    public void FineTuningProtectsThePretrainedEncoder()
    {
        var choice = ByolRecipe.Choose(new ByolOptions { ImageSize = 64 }, 5, pretrained: true);
        choice.FrozenEncoderFraction.Should().BeInRange(0.05, 0.5);
        choice.FreezeEncoderBatchNorm.Should().BeTrue();
        ByolRecipe.Choose(new ByolOptions { ImageSize = 64, BatchSize = 64 }, 5, pretrained: true).EncoderLearningRateScale.Should().Be(1);
        var large = ByolRecipe.Choose(new ByolOptions { ImageSize = 64, BatchSize = 256 }, 5, pretrained: true);
        large.EncoderLearningRateScale.Should().Be(0.25);
        (large.BaseLearningRate * 256 / 256 * large.TrustCoefficient * large.EncoderLearningRateScale)
            .Should().BeLessThanOrEqualTo(ByolRecipe.SafeEncoderStep + 1e-12, "a step at the peak lr moves a pretrained weight by at most the measured-safe fraction");
    }

    [Fact]
    public void TheInitialEncodersLayoutWinsAndContradictingOptionsAreAnError()
    {
        var file = new ResNetLayout(ByolArchitecture.ResNet18, 1f, SmallImageStem: false);
        var initial = new ImportedEncoder(file, new Dictionary<string, (float[], long[])>(), "ONNX", "test");
        var unset = new ByolOptions { ImageSize = 64, InitialEncoderPath = "/models/resnet18.onnx" };
        var encoder = ByolRecipe.Encoder(unset, initial);
        encoder.Architecture.Should().Be(ByolArchitecture.ResNet18);   // not the options' default ResNet-50
        encoder.SmallImageStem.Should().BeFalse();                     // not the automatic ≤ 64 px rule
        encoder.InitialEncoder.Should().StartWith("resnet18.onnx");

        var contradicting = new ByolOptions { ImageSize = 64, InitialEncoderPath = "/models/resnet18.onnx", Architecture = ByolArchitecture.ResNet50, WidthMultiplier = 0.5f };
        FluentActions.Invoking(() => ByolRecipe.Encoder(contradicting, initial)).Should().Throw<ArgumentException>()
            .WithMessage("*resnet18.onnx*Architecture is ResNet50*ResNet18*WidthMultiplier is 0.5*");
        var agreeing = new ByolOptions { ImageSize = 64, InitialEncoderPath = "/models/resnet18.onnx", Architecture = ByolArchitecture.ResNet18 };
        ByolRecipe.Encoder(agreeing, initial).Architecture.Should().Be(ByolArchitecture.ResNet18);
    }
}
