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
        foreach (var option in new[] { "BatchSize", "ProjectorHiddenSize", "ProjectionSize", "PredictorHiddenSize", "BaseLearningRate", "WeightDecay", "TrustCoefficient", "TauBase", "WarmupEpochs", "View1", "View2",
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

    [Theory]
    [InlineData(5, true, 60000, 256)]         // fine-tuning: batch 64 and 256 learned the same per image (docs/recipes.md)
    [InlineData(20, false, 60000, 128)]       // short run from scratch
    [InlineData(300, false, 60000, 256)]      // DeepMind's 300-epoch preset keeps the paper's batch
    [InlineData(1000, false, 1_000_000, 256)]
    [InlineData(20, false, 100, 64)]          // a folder of 100 images: the largest power of two it fills
    [InlineData(5, true, 40, 32)]
    [InlineData(20, false, 2, 2)]
    public void AnUnsetBatchSizeFollowsTheRecipeAndTheData(double epochs, bool pretrained, int images, int expected)
    {
        var options = new ByolOptions { ImageSize = 64 };
        ByolRecipe.ChooseBatchSize(options, epochs, pretrained, images).Should().Be(expected);
        options.BatchSize.Should().Be(256, "an unset batch size reads as the paper's");
        options.BatchSize = 100;
        ByolRecipe.ChooseBatchSize(options, epochs, pretrained, images).Should().Be(100, "a set batch size always wins, even above the data (TrainingPlan reports that)");
    }

    [Fact]
    public void HeadsFollowTheEncoderOnlyInShortRunsFromScratch()
    {
        var tiny = ByolRecipe.Choose(new ByolOptions { ImageSize = 28 }, 7, pretrained: false, batchSize: 128, embeddingSize: 128);
        (tiny.ProjectorHiddenSize, tiny.ProjectionSize, tiny.PredictorHiddenSize).Should().Be((512, 128, 512));
        tiny.Log.Should().Contain(line => line.StartsWith("ProjectorHiddenSize = 512 (") && line.Contains("128-d embedding"));
        var r50 = ByolRecipe.Choose(new ByolOptions { ImageSize = 224 }, 7, pretrained: false, batchSize: 128, embeddingSize: 2048);
        (r50.ProjectorHiddenSize, r50.ProjectionSize, r50.PredictorHiddenSize).Should().Be((4096, 256, 4096));
        foreach (var (epochs, pretrained) in new[] { (1000.0, false), (300.0, false), (5.0, true) })
        {
            var paper = ByolRecipe.Choose(new ByolOptions { ImageSize = 64 }, epochs, pretrained, batchSize: 64, embeddingSize: 128);
            (paper.ProjectorHiddenSize, paper.ProjectionSize, paper.PredictorHiddenSize).Should().Be((4096, 256, 4096), $"recipe {paper.Name} keeps the paper's heads");
        }
        var set = ByolRecipe.Choose(new ByolOptions { ImageSize = 28, ProjectionSize = 64 }, 7, pretrained: false, batchSize: 128, embeddingSize: 128);
        (set.ProjectorHiddenSize, set.ProjectionSize).Should().Be((512, 64));
        set.Log.Should().Contain("ProjectionSize = 64 (set)");
    }

    [Theory]
    [InlineData(0.08, 1.0)]   // the paper's crops
    [InlineData(0.2, 1.0)]
    [InlineData(0.25, 0.25)]  // one fixed area: zoom 1/√0.25 = 2
    [InlineData(1.0, 1.0)]    // whole images: no zoom
    public void CropZoomIsTheMeanApparentObjectSizeOfTheCrops(double min, double max)
    {
        // E[1/√s] for s uniform in [min, max], by the midpoint rule on a fine grid (not the closed form under test).
        const int n = 200_000;
        double mean = Enumerable.Range(0, n).Average(i => 1 / Math.Sqrt(min + (max - min) * (i + 0.5) / n));
        ByolRecipe.CropZoom(new ByolViewOptions { CropScaleMin = min, CropScaleMax = max }).Should().BeApproximately(mean, 1e-4);
    }

    [Fact]
    public void APixelVectorColumnTakesNoEmbeddingSizeButItsOwn()
    {
        ByolRecipe.CheckEmbeddingImageSize(new ByolOptions { ImageSize = 28, EmbeddingImageSize = 28 }, imageColumn: false);
        ByolRecipe.CheckEmbeddingImageSize(new ByolOptions { ImageSize = 28, EmbeddingImageSize = 44 }, imageColumn: true);
        FluentActions.Invoking(() => ByolRecipe.CheckEmbeddingImageSize(new ByolOptions { ImageSize = 28, EmbeddingImageSize = 35, InputColumnName = "Pixels" }, imageColumn: false))
            .Should().Throw<ArgumentException>().WithMessage("EmbeddingImageSize is 35*'Pixels' holds pixel vectors*ImageSize (28)*");
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
